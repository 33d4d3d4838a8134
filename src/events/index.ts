export * from './event-types';
export * from './build-events';
export { wakeOutboxRelay, RELAY_WAKE_DEDUPLICATION_ID } from './wake-outbox-relay';
