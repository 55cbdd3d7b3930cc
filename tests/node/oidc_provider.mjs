// A real OpenID provider (the certified `oidc-provider`) for the single sign-on tests.
//
//   PLANNER_OIDC_CLIENT_ID, PLANNER_OIDC_CLIENT_SECRET, PLANNER_OIDC_REDIRECT_URI: the planner as its client
//   PLANNER_OIDC_USERS: JSON list of {email, email_verified, groups} people who can sign in
//
// It listens on a free loopback port and prints {"issuer": "..."} as its first line. Its sign-in page asks only
// for an email (the tests choose who signs in). POST /test/mode {"mode": ...} makes it misbehave on purpose from
// then on, by re-signing the ID tokens it issues with its own key: "wrong-audience", "wrong-nonce", "expired";
// "re-signed" re-signs them unchanged (the control: that alone must not matter); "normal" undoes it.

import http from 'node:http';
import Provider from 'oidc-provider';
import { SignJWT, decodeJwt, exportJWK, generateKeyPair } from 'jose';

const clientId = process.env.PLANNER_OIDC_CLIENT_ID;
const users = JSON.parse(process.env.PLANNER_OIDC_USERS || '[]');
const byEmail = new Map(users.map((user) => [user.email, user]));
let mode = 'normal';

const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const jwk = { ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };

function page(body) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test identity provider</title></head>`
    + `<body><main><h1>Test identity provider</h1>${body}</main></body></html>`;
}

async function misbehave(idToken, issuer) {
  const claims = decodeJwt(idToken);
  const now = Math.floor(Date.now() / 1000);
  if (mode === 'wrong-audience') claims.aud = 'some-other-application';
  if (mode === 'wrong-nonce') claims.nonce = 'not-the-nonce-the-planner-sent';
  if (mode === 'expired') Object.assign(claims, { iat: now - 7200, exp: now - 3600 });
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'test-key' }).setIssuer(issuer).sign(privateKey);
}

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: process.env.PLANNER_OIDC_CLIENT_SECRET,
    redirect_uris: [process.env.PLANNER_OIDC_REDIRECT_URI],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  jwks: { keys: [jwk] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], groups: ['groups'] },
  scopes: ['openid', 'email', 'groups'],
  features: { devInteractions: { enabled: false } },
  pkce: { required: () => false },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, sub) {
    const user = byEmail.get(sub);
    return user && { accountId: sub, claims: async () => ({ sub, ...user }) };
  },
});

provider.use(async (ctx, next) => {
  if (ctx.method === 'POST' && ctx.path === '/test/mode') {
    const chunks = [];
    for await (const chunk of ctx.req) chunks.push(chunk);
    mode = JSON.parse(Buffer.concat(chunks).toString()).mode;
    ctx.body = { mode };
    return;
  }
  const match = ctx.path.match(/^\/interaction\/([^/]+)$/);
  if (match && ctx.method === 'GET') {
    await provider.interactionDetails(ctx.req, ctx.res);
    ctx.type = 'html';
    ctx.body = page(`<form method="post"><label for="email">Email</label> <input id="email" name="email" type="email">`
      + ` <button type="submit">Continue</button></form>`);
    return;
  }
  if (match && ctx.method === 'POST') {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const chunks = [];
    for await (const chunk of ctx.req) chunks.push(chunk);
    const email = new URLSearchParams(Buffer.concat(chunks).toString()).get('email');
    const grant = new provider.Grant({ accountId: email, clientId: details.params.client_id });
    grant.addOIDCScope('openid email groups');
    const grantId = await grant.save();
    await provider.interactionFinished(ctx.req, ctx.res, { login: { accountId: email }, consent: { grantId } },
      { mergeWithLastSubmission: false });
    return;
  }
  await next();
  if (ctx.path === '/token' && mode !== 'normal' && ctx.body && ctx.body.id_token) {
    ctx.body = { ...ctx.body, id_token: await misbehave(ctx.body.id_token, issuer) };
  }
});

server.on('request', provider.callback());
process.stdout.write(`${JSON.stringify({ issuer })}\n`);
