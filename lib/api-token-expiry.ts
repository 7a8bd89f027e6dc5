import { z } from "zod";

// Apart from lib/api-tokens.ts so that the tokens form (a client component) can offer the choices.

/** How long a new API token lives: a number of days, or never expires (null). */
export const API_TOKEN_EXPIRY_DAYS = [7, 30, 90, 365] as const;
export const apiTokenExpirySchema = z
  .union([z.literal(API_TOKEN_EXPIRY_DAYS), z.null()], { message: `Choose an expiry of ${API_TOKEN_EXPIRY_DAYS.join(", ")} days, or none (null)` })
  .default(null);
