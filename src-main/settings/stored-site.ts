import { z } from 'zod';
import { fingerprintSchema, siteIdSchema } from '../../src-shared/schemas/site.js';
import { VENDORS } from '../../src-shared/vendors.js';

/** A site as written in the settings file: no secrets, only where they are. */
export const storedSiteSchema = z.object({
  id: siteIdSchema,
  name: z.string().min(1),
  vendor: z.enum(VENDORS),
  timeZone: z.string().min(1),
  api: z.object({ baseUrl: z.string().min(1), username: z.string() }).nullable(),
  ami: z.object({ host: z.string().min(1), port: z.number().int().min(1).max(65535), username: z.string() }).nullable(),
  tls: z.object({ pinnedFingerprint256: fingerprintSchema.nullable() }),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});

export type StoredSite = z.infer<typeof storedSiteSchema>;
