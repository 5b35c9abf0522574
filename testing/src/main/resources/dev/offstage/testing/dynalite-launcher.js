// Starts dynalite on a free loopback port, prints {"port": N} once listening, and exits when
// its parent closes stdin — so a test JVM that dies (even by SIGKILL) never leaves it running.
'use strict'
const dynalite = require(process.argv[2])
const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 })
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n')
})
server.on('error', (err) => { console.error(err.stack || String(err)); process.exit(1) })
process.stdin.on('end', () => process.exit(0))
process.stdin.on('close', () => process.exit(0))
process.stdin.resume()
