import { z } from 'zod';
import { DEFAULT_AMI_CONTEXT, fingerprintSchema, siteIdSchema } from '../../src-shared/schemas/site.js';
import { VENDORS } from '../../src-shared/vendors.js';

/** A site as written in the settings file: no secrets, only where they are. */
export const storedSiteSchema = z.object({
  id: siteIdSchema,
  name: z.string().min(1),
  vendor: z.enum(VENDORS),
  timeZone: z.string().min(1),
  api: z.object({ baseUrl: z.string().min(1), username: z.string() }).nullable(),
  ami: z
    .object({
      host: z.string().min(1),
      port: z.number().int().min(1).max(65535),
      username: z.string(),
      context: z.string().min(1).default(DEFAULT_AMI_CONTEXT),
    })
    .nullable(),
  tls: z.object({ pinnedFingerprint256: fingerprintSchema.nullable() }),
  /** The embedded demo PBX's site: its port and secret are renewed by the app at each start. */
  demo: z.boolean().default(false),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});

export type StoredSite = z.infer<typeof storedSiteSchema>;
