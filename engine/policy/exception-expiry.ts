/**
 * When an exception stops applying. A date (`2027-03-31`) is valid through that
 * whole day in UTC — what someone writing "expires March 31st" means — so it
 * expires at the next midnight UTC. A date-time expires at that instant.
 */
export function expiryInstant(expires: string): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(expires)) {
    const day = new Date(`${expires}T00:00:00Z`);
    return new Date(day.getTime() + 24 * 60 * 60 * 1000);
  }
  return new Date(expires);
}

export function isExpired(exception: { readonly expiresAt?: Date }, now: Date): boolean {
  return exception.expiresAt !== undefined && now.getTime() >= exception.expiresAt.getTime();
}
