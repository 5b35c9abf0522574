/**
 * The search index: posts analyzed by Lucene ({@link dev.offstage.posts.index.PostAnalyzers}) into
 * an inverted index in DynamoDB ({@link dev.offstage.posts.index.SearchIndex}), ranked by BM25.
 */
package dev.offstage.posts.index;
