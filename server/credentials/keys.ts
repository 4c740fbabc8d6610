import { createHash, createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { signingKeys } from '../../db/schema/index.ts';
import type { Clock } from '../clock.ts';

/**
 * The instance's signing key and its public identity (did:web). Signing uses node:crypto, which signs Ed25519
 * synchronously, so a credential can be signed inside a request without an await; verifiers (and our tests) use
 * any JOSE library, e.g. jose's createLocalJWKSet over /.well-known/jwks.json. Ed25519 signatures are
 * deterministic: the same credential signed with the same key always gives the same JWT.
 */
export interface PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
}

export interface SigningKey {
  /** RFC 7638 thumbprint of the public key. */
  thumbprint: string;
  publicJwk: { kty: string; crv: string; x: string };
  privateKey: KeyObject;
}

export interface Issuer {
  /** did:web of this instance, derived from BASE_URL. */
  did: string;
  baseUrl: string;
  /** "did:web:...#<thumbprint>", the `kid` of every JWT we sign and of the published keys. */
  kid: string;
  key: SigningKey;
  /** Every key ever used (the current one first), public halves only. */
  publicKeys: PublicJwk[];
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/** did:web per the did:web method: host (a port's colon percent-encoded), then path segments joined by ':'. */
export function didWebFor(baseUrl: string): string {
  const u = new URL(baseUrl);
  const host = u.host.replace(/:/g, '%3A');
  const segments = u.pathname.split('/').filter(Boolean).map(encodeURIComponent);
  return ['did:web', host, ...segments].join(':');
}

/** RFC 7638: SHA-256 over the required members in lexicographic order, no whitespace. */
export function jwkThumbprint(jwk: { crv: string; kty: string; x: string }): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x });
  return b64url(createHash('sha256').update(canonical).digest());
}

function generate(db: Db, clock: Clock) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' }) as { kty: string; crv: string; x: string };
  const publicJwk = { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
  const id = jwkThumbprint(publicJwk);
  db.insert(signingKeys)
    .values({ id, publicJwk, privateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), createdAt: clock() })
    .onConflictDoNothing()
    .run();
}

/** Loads the current signing key, generating one the first time the instance starts. */
export function loadIssuer(db: Db, clock: Clock, baseUrl: string): Issuer {
  let current = db.select().from(signingKeys).where(isNull(signingKeys.retiredAt)).orderBy(signingKeys.createdAt).get();
  if (!current) {
    generate(db, clock);
    current = db.select().from(signingKeys).where(isNull(signingKeys.retiredAt)).orderBy(signingKeys.createdAt).get()!;
  }
  const did = didWebFor(baseUrl);
  const all = db.select({ id: signingKeys.id, publicJwk: signingKeys.publicJwk, createdAt: signingKeys.createdAt }).from(signingKeys).all();
  all.sort((a, b) => Number(b.id === current.id) - Number(a.id === current.id) || b.createdAt - a.createdAt);
  const key: SigningKey = {
    thumbprint: current.id,
    publicJwk: { kty: current.publicJwk.kty, crv: current.publicJwk.crv, x: current.publicJwk.x },
    privateKey: createPrivateKey(current.privateKey),
  };
  return {
    did,
    baseUrl,
    kid: `${did}#${current.id}`,
    key,
    publicKeys: all.map((k) => ({ kty: 'OKP', crv: 'Ed25519', x: k.publicJwk.x, kid: `${did}#${k.id}`, alg: 'EdDSA', use: 'sig' })),
  };
}

/** A compact JWS (RFC 7515) over a JSON payload, signed with EdDSA (Ed25519). */
export function signJwt(issuer: Issuer, payload: Record<string, unknown>, typ: string): string {
  const header = { alg: 'EdDSA', kid: issuer.kid, typ, cty: 'vc' };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const signature = sign(null, Buffer.from(input), issuer.key.privateKey);
  return `${input}.${b64url(signature)}`;
}

/** The DID document for did:web resolution: the published keys as assertion methods. */
export function didDocument(issuer: Issuer) {
  const methods = issuer.publicKeys.map((k) => ({
    id: k.kid,
    type: 'JsonWebKey2020',
    controller: issuer.did,
    publicKeyJwk: { kty: k.kty, crv: k.crv, x: k.x },
  }));
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/suites/jws-2020/v1'],
    id: issuer.did,
    verificationMethod: methods,
    assertionMethod: methods.map((m) => m.id),
  };
}
