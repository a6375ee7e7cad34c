// A second real identity provider for the acceptance tests and the demo:
// oidc-provider (OpenID-certified, RFC 7591/7592), configured the way
// Keycloak-type IdPs behave for Tyk's DCR:
//   - registration needs an initial access token (INITIAL_ACCESS_TOKEN);
//   - access tokens are JWTs whose scopes are a space-delimited `scope`
//     string claim (Keycloak, Gluu), not Hydra's `scp` array;
//   - the registration access token rotates on every RFC 7592 read or
//     update (as Curity does; oidc-provider's rotateRegistrationAccessToken).
// Any scope name is accepted, as if an administrator had created the
// product and plan scopes (the first step of Tyk's DCR guide).
//
// It also answers the subset of Ory Hydra's admin API the tests use to look
// at clients (GET/DELETE /admin/clients[/id], PATCH of the scope,
// GET /health/ready), on ADMIN_PORT, so the harness checks both IdPs alike.
// Test use only: in-memory, keys generated at start.
//
// Environment: PORT, ADMIN_PORT, ISSUER (default http://127.0.0.1:PORT),
// INITIAL_ACCESS_TOKEN, TLS_CERT and TLS_KEY (PEM files: serve HTTPS).
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';

import Provider from 'oidc-provider';
// oidc-provider keeps its configuration in a weak map; the registration
// policy below adds the scopes a client asks for to the supported ones.
import instance from 'oidc-provider/lib/helpers/weak_cache.js';

const port = Number(process.env.PORT || 4455);
const adminPort = Number(process.env.ADMIN_PORT || 4456);
const tls = process.env.TLS_CERT && process.env.TLS_KEY;
const issuer = process.env.ISSUER || `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
const initialAccessToken = process.env.INITIAL_ACCESS_TOKEN || '';
if (!initialAccessToken) {
  console.error('INITIAL_ACCESS_TOKEN is required');
  process.exit(2);
}

// In-memory storage that the admin API can enumerate.
const stores = new Map();
class MemoryAdapter {
  constructor(name) {
    this.name = name;
    if (!stores.has(name)) stores.set(name, new Map());
    this.store = stores.get(name);
  }

  async upsert(id, payload) { this.store.set(id, { ...payload }); }

  async find(id) { const v = this.store.get(id); return v ? { ...v } : undefined; }

  async findByUid(uid) { return [...this.store.values()].find((v) => v.uid === uid); }

  async findByUserCode(code) { return [...this.store.values()].find((v) => v.userCode === code); }

  async consume(id) { const v = this.store.get(id); if (v) v.consumed = Math.floor(Date.now() / 1000); }

  async destroy(id) { this.store.delete(id); }

  async revokeByGrantId(grantId) {
    for (const [id, v] of this.store) if (v.grantId === grantId) this.store.delete(id);
  }
}

const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: crypto.randomUUID(), use: 'sig', alg: 'RS256' };

const provider = new Provider(issuer, {
  adapter: MemoryAdapter,
  jwks: { keys: [jwk] },
  scopes: ['openid', 'offline_access'],
  clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
  responseTypes: ['code', 'none'],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    // initialAccessToken true: tokens are stored objects, one created below
    // with the tyk-dcr policy.
    registration: {
      enabled: true,
      initialAccessToken: true,
      policies: {
        // The Portal registers client_credentials clients with response
        // types ["token"] (its client types declare them); a Keycloak-type
        // IdP ignores response types such clients cannot use.
        'tyk-dcr': (ctx, properties) => {
          // Scopes exist on demand (see the top of this file); the client's
          // registered scope still bounds what it gets.
          const supported = instance(ctx.oidc.provider).configuration.scopes;
          for (const scope of (properties.scope || '').split(' ').filter(Boolean)) supported.add(scope);
          const grants = properties.grant_types || [];
          if (!grants.includes('authorization_code') && !grants.includes('implicit')) {
            properties.response_types = [];
            delete properties.redirect_uris;
          }
        },
      },
    },
    registrationManagement: { enabled: true, rotateRegistrationAccessToken: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => `${issuer}/api`,
      useGrantedResource: () => true,
      // JWT access tokens for every scope the client was registered with;
      // oidc-provider writes them as a space-delimited `scope` claim.
      getResourceServerInfo: (ctx, resource, client) => ({
        scope: client.scope || '',
        audience: resource,
        accessTokenFormat: 'jwt',
        accessTokenTTL: 3600,
        jwt: { sign: { alg: 'RS256' } },
      }),
    },
  },
  clientDefaults: { grant_types: ['client_credentials'], response_types: [], token_endpoint_auth_method: 'client_secret_basic' },
});

// Rotation on read (ROTATE_ON_READ, default on): oidc-provider rotates the
// registration access token on RFC 7592 updates only; Curity also rotates it
// on reads. After a successful read the token used is destroyed and the
// answer carries a new one.
if (process.env.ROTATE_ON_READ !== '0') {
  provider.use(async (ctx, next) => {
    await next();
    const old = ctx.oidc?.entities?.RegistrationAccessToken;
    if (ctx.method !== 'GET' || ctx.status !== 200 || !old || !ctx.oidc.client || !/^\/reg\//.test(ctx.path)) return;
    const rat = new provider.RegistrationAccessToken({ client: ctx.oidc.client, policies: old.policies });
    await old.destroy();
    ctx.body.registration_access_token = await rat.save();
  });
}

const iat = new provider.InitialAccessToken({ jti: initialAccessToken, policies: ['tyk-dcr'] });
const iatValue = await iat.save();
if (iatValue !== initialAccessToken) {
  console.error(`initial access token: got ${iatValue}, wanted the configured one`);
  process.exit(2);
}

const server = tls
  ? https.createServer({ cert: fs.readFileSync(process.env.TLS_CERT), key: fs.readFileSync(process.env.TLS_KEY) }, provider.callback())
  : http.createServer(provider.callback());
server.listen(port, '127.0.0.1', () => console.log(`oidc-provider ${issuer} (admin http://127.0.0.1:${adminPort})`));

// Hydra-style admin API over the stored clients.
function clientView(id, c) {
  return {
    client_id: id, client_name: c.client_name || '', scope: c.scope || '', grant_types: c.grant_types || [],
    response_types: c.response_types || [], token_endpoint_auth_method: c.token_endpoint_auth_method || 'client_secret_basic',
  };
}

http.createServer(async (req, res) => {
  const send = (status, body) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  const clients = stores.get('Client') || new Map();
  const url = new URL(req.url, 'http://admin');
  const m = url.pathname.match(/^\/admin\/clients(?:\/([^/]+))?$/);
  if (url.pathname === '/health/ready' || url.pathname === '/health/alive') return send(200, { status: 'ok' });
  if (!m) return send(404, { error: 'not_found' });
  const id = m[1] && decodeURIComponent(m[1]);
  if (!id && req.method === 'GET') return send(200, [...clients].map(([k, v]) => clientView(k, v)));
  const c = id && clients.get(id);
  if (!c) return send(404, { error: 'Unable to locate the resource' });
  if (req.method === 'GET') return send(200, clientView(id, c));
  if (req.method === 'DELETE') { clients.delete(id); return send(204); }
  if (req.method === 'PATCH') {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    for (const op of JSON.parse(Buffer.concat(chunks).toString() || '[]')) {
      if (op.op === 'replace' && op.path === '/scope') c.scope = op.value;
    }
    return send(200, clientView(id, c));
  }
  return send(405, { error: 'method_not_allowed' });
}).listen(adminPort, '127.0.0.1');
