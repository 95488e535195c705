import type postgres from 'postgres';

export interface CodecRequestRecord {
  operation: 'decode' | 'encode';
  namespace: string;
  payloads: number;
  outcome: 'ok' | 'refused';
  caller: 'token' | 'loopback';
  tokenId: string | null;
}

/** Records one use of the codec endpoint: who, when, namespace, how many payloads; never content. */
export async function recordCodecRequest(sql: postgres.Sql, r: CodecRequestRecord): Promise<void> {
  await sql`
    INSERT INTO codec_requests (operation, namespace, payloads, outcome, caller, token_id)
    VALUES (${r.operation}, ${r.namespace}, ${r.payloads}, ${r.outcome}, ${r.caller}, ${r.tokenId})`;
}

/** The newest uses first (for operators and tests). */
export async function listCodecRequests(sql: postgres.Sql, limit = 100): Promise<(CodecRequestRecord & { at: string })[]> {
  return sql<(CodecRequestRecord & { at: string })[]>`
    SELECT at, operation, namespace, payloads, outcome, caller, token_id FROM codec_requests ORDER BY id DESC LIMIT ${limit}`;
}
