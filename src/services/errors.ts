// A request a service refuses, in the API's error shape (docs/BEHAVIOUR.md, "API answers"): the status, a stable code, a message for people
// and optional details. src/api/errors.ts answers it as {"error": {code, message, details?}}.
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}
