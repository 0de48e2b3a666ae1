// Every alarm threshold of the stack, in one place. docs/operations.md explains each choice; a
// change here is a change there.

/** Per function. */
export const FUNCTION_THRESHOLDS = {
  /** % of a function's requests answered 5xx, over one minute, in 3 of 5 minutes. */
  serverErrorPercent: 5,
  /** Below this many requests in a minute the 5xx rate is not judged (1 failure in 2 is not an outage). */
  minimumRequestsPerMinute: 10,
  /** Failed invocations (crash, timeout, out of memory, failed init) in 5 minutes. */
  lambdaErrorsPer5Minutes: 3,
  /** Throttled invocations (no concurrency left) in 5 minutes. */
  lambdaThrottlesPer5Minutes: 1,
  /** p99 duration as a share of the declared timeout, over one minute, 3 minutes in a row. */
  durationShareOfTimeout: 0.8,
  /** DynamoDB attempts refused for throughput in a minute, in 2 of 3 minutes. */
  dynamoDbThrottlesPerMinute: 5,
} as const;

/** For the API stage. */
export const API_THRESHOLDS = {
  /** % of all requests answered 5xx (by the functions or by API Gateway), over one minute, in 3 of 5. */
  serverErrorPercent: 1,
  minimumRequestsPerMinute: 20,
  /** p99 latency floor in ms under which the anomaly band is ignored (see the composite alarm). */
  p99LatencyFloorMs: 1_000,
  /** Width of the anomaly detection band, in standard deviations. */
  latencyAnomalyBand: 3,
} as const;
