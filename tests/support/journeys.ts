// A journey as the conversation would have committed it (Kings Cross to Leeds, received), for
// tests that start from a reported journey rather than walk the report through.
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../src/db/pool';
import { insertJourney, type Journey } from '../../src/repos/journeys';

export async function seedJourney(db: Queryable, userId: string): Promise<Journey> {
  return insertJourney(db, {
    userId,
    correlationId: `SM${randomUUID().replace(/-/g, '')}`,
    travelDate: '2026-07-13',
    originCrs: 'KGX',
    destinationCrs: 'LDS',
    departureDatetime: '2026-07-13T08:05:00+01:00',
    arrivalDatetime: '2026-07-13T10:20:00+01:00',
    journeyType: 'single',
  });
}
