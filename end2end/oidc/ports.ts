// Where the journeys' servers listen: E2E_PORT for the main server, the next
// port for the server that logs in through OpenID Connect (start-oidc.sh),
// and the one after for its provider.
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);
export const OIDC_APP_PORT = E2E_PORT + 1;
export const OIDC_PROVIDER_PORT = E2E_PORT + 2;
export const OIDC_APP = `http://127.0.0.1:${OIDC_APP_PORT}`;
