// Starts dynalite on a free loopback port, prints {"port": N} once listening, and exits when
// its parent closes stdin — so a test JVM that dies (even by SIGKILL) never leaves it running.
'use strict'
const dynalite = require(process.argv[2])
const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 })
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n')
})
server.on('error', (err) => { console.error(err.stack || String(err)); process.exit(1) })
// dynalite throws from a request's 'error' listener: a client that hangs up mid-request (a
// function's JVM killed at its timeout, an SDK attempt timing out) would end the whole emulator
// for every other client. Such a request has nobody left to answer; anything else still ends it.
process.on('uncaughtException', (err) => {
  if (err && (err.code === 'ECONNRESET' || err.code === 'ECONNABORTED') && err.message === 'aborted') {
    return
  }
  console.error(err && err.stack ? err.stack : String(err))
  process.exit(1)
})
process.stdin.on('end', () => process.exit(0))
process.stdin.on('close', () => process.exit(0))
process.stdin.resume()
