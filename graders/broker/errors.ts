/** A broker problem a learner can act on: the message says what failed and what to do. */
export class BrokerError extends Error {
  override name = 'BrokerError';
}
