// Development OpenID Connect provider for casushub (make dev and the tests).
//
// One Node process hosts several independent providers, one per demo organisation, each on its
// own loopback port with its own issuer and its own signing key: casushub must treat them as
// the unrelated identity providers that real partners run. The `oidc-provider` package is
// OpenID-certified and enforces PKCE S256; its development interactions give a plain login and
// consent form that a test can post without a browser.
//
// Usage: node devidp/server.mjs CONFIG.json
//   CONFIG: { "host": "127.0.0.1", "base_port": 9400 (0: any free port),
//             "redirect_uris": [...], "post_logout_redirect_uris": [...],
//             "providers": [{ "key", "clients": [{ "client_id", "client_secret" }],
//                             "users": [{ "sub", "email", "name", "groups": [] }],
//                             "any_user": false (tests: any login name is a user),
//                             "claims_in_userinfo": false (the ID token carries only sub; e-mail,
//                               name and groups come from the userinfo endpoint),
//                             "userinfo_other_sub": false (tests: userinfo names another
//                               subject than the ID token, as a broken or hostile provider) }] }
// When every provider listens, one line goes to stdout:  {"ready": {"<key>": "<issuer>", ...}}

import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { generateKeyPairSync, randomUUID } from "node:crypto";
import Provider from "oidc-provider";

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const host = config.host ?? "127.0.0.1";

function signingKey() {
  // A fresh key per provider and per run: a token of one provider never verifies at another.
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { ...privateKey.export({ format: "jwk" }), kid: randomUUID(), use: "sig", alg: "RS256" };
}

// Tests sign in as any login name: "anna+regie@a.test" has e-mail anna+regie@a.test and
// group "regie", so each test can make fresh users without restarting the provider.
function syntheticUser(login) {
  const email = login.includes("@") ? login : `${login}@example.test`;
  const tag = /\+([^@]+)@/.exec(email);
  return { sub: login, email, name: login.split("@")[0], groups: tag ? [tag[1]] : [] };
}

function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server.address().port));
  });
}

async function start(spec, index) {
  const server = createServer();
  const port = await listen(server, config.base_port ? config.base_port + index : 0);
  const issuer = `http://${host}:${port}`;
  const users = new Map(spec.users.map((user) => [user.sub, user]));
  const provider = new Provider(issuer, {
    clients: spec.clients.map((client) => ({
      client_id: client.client_id,
      client_secret: client.client_secret,
      redirect_uris: config.redirect_uris,
      post_logout_redirect_uris: config.post_logout_redirect_uris ?? [],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    })),
    jwks: { keys: [signingKey()] },
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      claimsParameter: { enabled: false },
    },
    claims: {
      openid: ["sub"],
      email: ["email", "email_verified"],
      profile: ["name"],
      groups: ["groups"],
    },
    scopes: ["openid", "email", "profile", "groups"],
    // Off: the ID token carries the claims of the granted scopes, as many enterprise providers
    // do. On: the standard code-flow profile (OpenID Connect Core 5.4), where claims requested
    // by scope are released only at the userinfo endpoint.
    conformIdTokenClaims: Boolean(spec.claims_in_userinfo),
    acrValues: ["urn:casushub:acr:wachtwoord", "urn:casushub:acr:mfa"],
    ttl: { Session: 600, Interaction: 600, Grant: 600, AuthorizationCode: 60, IdToken: 300 },
    async findAccount(_ctx, id, token) {
      // Only configured demo users exist; any password is accepted (development only).
      const user = users.get(id) ?? (spec.any_user ? syntheticUser(id) : undefined);
      if (!user) return undefined;
      // oidc-provider sets `sub` from the account id; for the userinfo endpoint (reached with
      // an access token) this test switch hands it another one.
      const accountId =
        spec.userinfo_other_sub && token?.kind === "AccessToken" ? `${id}-ander` : id;
      return {
        accountId,
        async claims() {
          return {
            sub: accountId,
            email: user.email,
            email_verified: true,
            name: user.name,
            groups: user.groups ?? [],
          };
        },
      };
    },
  });
  // The provider runs behind no proxy; plain http on loopback is fine for development.
  provider.on("server_error", (_ctx, err) => console.error(`[${spec.key}]`, err));
  server.on("request", provider.callback());
  return [spec.key, issuer, server];
}

const started = await Promise.all(config.providers.map(start));
process.stdout.write(
  JSON.stringify({ ready: Object.fromEntries(started.map(([key, issuer]) => [key, issuer])) }) +
    "\n",
);

function stop() {
  for (const [, , server] of started) server.close();
  process.exit(0);
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
