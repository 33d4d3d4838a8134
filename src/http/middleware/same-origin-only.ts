// Refuses state-changing requests that do not come from the page's own origin (CSRF). Basic auth
// is no defence here: a browser attaches the credentials it remembers to every request to the
// board, whichever site's page made it. Safe methods pass; for the others the browser's own word
// is taken, in this order:
//   1. Sec-Fetch-Site (every current browser sends it): only `same-origin` passes.
//   2. Origin, or failing that Referer: it must be the service's public origin (PUBLIC_BASE_URL,
//      what operators open behind the proxy) or the origin the request itself was sent to.
//   3. Neither: refused. A browser always sends one of them with a POST/PUT/PATCH/DELETE, so this
//      is a script, or a browser that stripped them; a script sends `Origin: <the board's origin>`.
// A page can set none of Sec-Fetch-Site, Origin, Referer's origin or Host, and X-Forwarded-* only
// on a request that needs a CORS preflight, which nothing here answers.
import type { Request, RequestHandler } from 'express';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const CROSS_ORIGIN_REFUSED = 'CROSS_ORIGIN_REFUSED';

/** The URL's origin (`scheme://host[:port]`, default port dropped), or undefined if it is not one. */
function originOf(url: string): string | undefined {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/** Why the request is refused, or undefined when it may go on. */
export function crossOriginRefusal(req: Request, trustedOrigins: readonly string[]): string | undefined {
  if (SAFE_METHODS.has(req.method)) return undefined;
  const fetchSite = req.get('sec-fetch-site');
  if (fetchSite !== undefined) {
    return fetchSite === 'same-origin' ? undefined : `Sec-Fetch-Site is ${fetchSite}, not same-origin`;
  }
  // Behind the proxy req.protocol and req.host are the forwarded ones (`trust proxy`).
  const own = req.host ? originOf(`${req.protocol}://${req.host}`) : undefined;
  const allowed = new Set([...trustedOrigins, ...(own === undefined ? [] : [own])]);
  const origin = req.get('origin');
  if (origin !== undefined) {
    return allowed.has(originOf(origin) ?? '') ? undefined : `Origin ${origin} is not this service's origin`;
  }
  const referer = req.get('referer');
  if (referer !== undefined) {
    return allowed.has(originOf(referer) ?? '') ? undefined : "Referer is not this service's origin";
  }
  return 'no Sec-Fetch-Site, Origin or Referer header (a script sends Origin: <the board origin>)';
}

/** `publicBaseUrl` is trusted as an origin besides the one each request was sent to. */
export function sameOriginOnly(options: { publicBaseUrl: string }): RequestHandler {
  const trusted = [originOf(options.publicBaseUrl)].filter((origin): origin is string => origin !== undefined);
  return (req, res, next) => {
    const refusal = crossOriginRefusal(req, trusted);
    if (refusal !== undefined) {
      res.status(403).json({ code: CROSS_ORIGIN_REFUSED, message: `cross-origin request refused: ${refusal}` });
      return;
    }
    next();
  };
}
