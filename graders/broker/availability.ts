/** Why something a provider needs is missing here, and how to fix it. */
export interface Unavailable {
  ok: false;
  reason: string;
  fix: string;
}

/** Whether a provider can be used here. */
export type Availability = { ok: true } | Unavailable;

export const available: Availability = { ok: true };

export const unavailable = (reason: string, fix: string): Unavailable => ({ ok: false, reason, fix });
