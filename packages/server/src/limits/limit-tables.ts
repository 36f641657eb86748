/** Tables owned by limits/: fixed-window counters shared by every node (rate limits in the DB). */
export interface LimitTables {
  rate_limit_counters: RateLimitCounterTable;
}

export interface RateLimitCounterTable {
  /** What is counted, e.g. 'session:person:<id>' or 'client-auth-fail:ip:<addr>'. */
  bucket: string;
  window_start: Date;
  count: number;
}
