// Request validation: the route's zod schema, with zod's default messages replaced by plain ones
// (src/api/plain-messages.ts). The issues keep zod's paths; src/api/errors.ts shapes them into the error answer.
import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';
import { safeParse, type $ZodType } from 'zod/v4/core';
import { plainMessages } from './plain-messages.ts';

export const validatorCompiler: FastifySchemaCompiler<$ZodType> = ({ schema, httpPart }) => {
  const error = plainMessages(httpPart ?? 'body');
  return (data: unknown) => {
    const result = safeParse(schema, data, { error });
    if (result.success) return { value: result.data };
    return {
      error: result.error.issues.map(({ code, path, message, ...params }): FastifySchemaValidationError => ({
        keyword: code,
        instancePath: `/${path.join('/')}`,
        schemaPath: `#/${path.join('/')}/${code}`,
        message,
        params,
      })),
    };
  };
};
