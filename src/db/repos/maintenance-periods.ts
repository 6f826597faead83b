import type { Db } from '../client.ts';
import type { Period } from '../../domain/uptime.ts';

// Maintenance windows fill this (the endpoint's maintenance periods overlapping [from, to)); until they exist it is empty.
export async function maintenancePeriodsFor(_db: Db, _accountId: string, _endpointId: string, _from: Date, _to: Date): Promise<Period[]> {
  return [];
}
