/** Errors the CLI turns into exit statuses (contract §1): usage → 2, runtime → 1. */
export class UsageError extends Error {}
export class RuntimeError extends Error {}
