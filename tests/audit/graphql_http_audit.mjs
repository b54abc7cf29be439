// GraphQL-over-HTTP conformance: runs the npm `graphql-http` server audits against a live
// `hwkg serve`. Usage: node tests/audit/graphql_http_audit.mjs http://127.0.0.1:8000/graphql
// Prints one line per audit and a JSON summary as the last line; exits 1 on any error or
// warning (a failed MUST is an error, a failed SHOULD a warning; MAY failures are notices).
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node graphql_http_audit.mjs <graphql url>');
  process.exit(2);
}
const results = await auditServer({ url });
const counts = { ok: 0, notice: 0, warn: 0, error: 0 };
for (const result of results) {
  counts[result.status] += 1;
  const reason = result.status === 'ok' ? '' : ` — ${result.reason}`;
  console.log(`${result.status.padEnd(6)} ${result.id} ${result.name}${reason}`);
}
console.log(JSON.stringify(counts));
process.exit(counts.error || counts.warn ? 1 : 0);
