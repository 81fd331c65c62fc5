//! Who the client is: the connection's peer, or, only when that peer is a
//! trusted proxy (`MITFORLOB_TRUSTED_PROXIES`), what the proxy forwarded.
//!
//! Forwarding headers are written by whoever sends them, so only the part
//! added by proxies we trust means anything: the client is the right-most
//! address in `X-Forwarded-For` (or `Forwarded: for=`) that is not itself a
//! trusted proxy. Everything left of it may be made up by the client.
//! Headers from any other peer are ignored entirely, and a value that cannot
//! be read leaves the peer's address (never an error).
use app::state::{AppState, ClientInfo};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// The addresses and ranges whose forwarding headers are believed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(pub Vec<IpNet>);

impl TrustedProxies {
    /// Parses `MITFORLOB_TRUSTED_PROXIES`: addresses and CIDR ranges,
    /// separated by commas or spaces.
    pub fn parse(raw: &str) -> Result<TrustedProxies, String> {
        let mut nets = Vec::new();
        for item in raw.split([',', ' ']).map(str::trim).filter(|s| !s.is_empty()) {
            let net = match item.parse::<IpNet>() {
                // 10.1.2.3/8 means 10.0.0.0/8.
                Ok(net) => net.trunc(),
                Err(_) => match item.parse::<IpAddr>() {
                    Ok(ip) => IpNet::from(ip),
                    Err(_) => return Err(format!("{item:?} is not an IP address or range like 10.0.0.0/8")),
                },
            };
            nets.push(net);
        }
        Ok(TrustedProxies(nets))
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The client's address and whether it speaks HTTPS to the proxy in front:
/// `(ip, https)`, `https` None when nothing trustworthy says.
pub fn resolve(
    peer: Option<IpAddr>,
    headers: &HeaderMap,
    trusted: &TrustedProxies,
) -> (Option<IpAddr>, Option<bool>) {
    let peer = peer.map(|ip| ip.to_canonical());
    if !peer.is_some_and(|p| trusted.contains(p)) {
        return (peer, None);
    }
    // The scheme as the nearest proxy tells it (a proxy sets it, not appends).
    let forwarded_proto =
        || joined(headers, "x-forwarded-proto").and_then(|v| v.rsplit(',').next().and_then(parse_proto));
    // A proxy appends to X-Forwarded-For (the common case); `Forwarded` is
    // read only when there is none, so a client cannot add the other kind
    // and have it believed.
    if let Some(xff) = joined(headers, "x-forwarded-for") {
        let hops: Vec<Option<IpAddr>> = xff.split(',').map(parse_node).collect();
        let ip = client_index(&hops, trusted).and_then(|i| hops[i]).or(peer);
        return (ip, forwarded_proto());
    }
    if let Some(fwd) = joined(headers, "forwarded") {
        let elements: Vec<(Option<IpAddr>, Option<bool>)> = fwd.split(',').map(forwarded_element).collect();
        let hops: Vec<Option<IpAddr>> = elements.iter().map(|e| e.0).collect();
        let at = client_index(&hops, trusted);
        let ip = at.and_then(|i| hops[i]).or(peer);
        // The element that names the client tells the scheme it used; failing
        // that, the nearest proxy's.
        let https = at
            .and_then(|i| elements[i].1)
            .or_else(|| elements.last().and_then(|e| e.1))
            .or_else(forwarded_proto);
        return (ip, https);
    }
    (peer, forwarded_proto())
}

/// All of one header's lines, in order, as one comma-separated list.
fn joined(headers: &HeaderMap, name: &str) -> Option<String> {
    let mut values = headers.get_all(name).iter().peekable();
    values.peek()?;
    let mut out = String::new();
    for v in values {
        // A value that is not text is not something a proxy wrote.
        let v = v.to_str().ok()?;
        if !out.is_empty() {
            out.push(',');
        }
        out.push_str(v);
    }
    Some(out)
}

/// From the right: skip our own proxies; the first other address is the
/// client. An unreadable entry on the way means the chain cannot be
/// followed (None: use the peer). All trusted: the left-most.
fn client_index(hops: &[Option<IpAddr>], trusted: &TrustedProxies) -> Option<usize> {
    for (i, hop) in hops.iter().enumerate().rev() {
        let ip = (*hop)?;
        if !trusted.contains(ip) || i == 0 {
            return Some(i);
        }
    }
    None
}

/// One address as proxies write it: `203.0.113.9`, `2001:db8::1`,
/// `[2001:db8::1]:4711` or `203.0.113.9:4711`, maybe quoted.
fn parse_node(s: &str) -> Option<IpAddr> {
    let s = s.trim().trim_matches('"');
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    if let Ok(sa) = s.parse::<SocketAddr>() {
        return Some(sa.ip().to_canonical());
    }
    let inner = s.strip_prefix('[')?.strip_suffix(']')?;
    inner.parse::<IpAddr>().ok().map(|ip| ip.to_canonical())
}

fn parse_proto(s: &str) -> Option<bool> {
    let s = s.trim().trim_matches('"');
    if s.eq_ignore_ascii_case("https") {
        Some(true)
    } else if s.eq_ignore_ascii_case("http") {
        Some(false)
    } else {
        None
    }
}

/// One element of RFC 7239 `Forwarded`: `for=…;proto=…;by=…`.
fn forwarded_element(element: &str) -> (Option<IpAddr>, Option<bool>) {
    let (mut ip, mut proto) = (None, None);
    for pair in element.split(';') {
        let Some((key, value)) = pair.split_once('=') else {
            continue;
        };
        let key = key.trim();
        if key.eq_ignore_ascii_case("for") {
            // `unknown` or an obfuscated name: not an address we can key on.
            ip = parse_node(value);
        } else if key.eq_ignore_ascii_case("proto") {
            proto = parse_proto(value);
        }
    }
    (ip, proto)
}

/// What `client_info` needs: the trusted proxies, and whether every request
/// counts as HTTPS anyway (`MITFORLOB_SECURE_COOKIES`).
#[derive(Clone, Debug)]
pub struct ClientRules {
    pub trusted: TrustedProxies,
    pub always_https: bool,
}

impl ClientRules {
    pub fn new(state: &AppState, trusted: TrustedProxies) -> Arc<ClientRules> {
        Arc::new(ClientRules {
            trusted,
            always_https: state.config.secure_cookies,
        })
    }
}

/// Sets [`ClientInfo`] on every request, once, for everything after it.
pub async fn client_info(State(rules): State<Arc<ClientRules>>, mut req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let (ip, https) = resolve(peer, req.headers(), &rules.trusted);
    let info = ClientInfo {
        ip,
        https: rules.always_https || https == Some(true),
    };
    req.extensions_mut().insert(info);
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn trusted_proxies_parse_addresses_and_ranges() {
        let t = TrustedProxies::parse(" 127.0.0.1, 10.0.0.0/8 ::1 fd00::/8,").unwrap();
        assert_eq!(t.0.len(), 4);
        assert!(t.contains(ip("10.200.1.1")));
        assert!(
            t.contains(ip("::ffff:10.1.1.1")),
            "IPv4 seen through an IPv6 socket"
        );
        assert!(t.contains(ip("fd12::7")));
        assert!(!t.contains(ip("11.0.0.1")));
        assert!(TrustedProxies::parse("").unwrap().is_empty());
        for bad in ["10.0.0.0/33", "localhost", "10.0.0", "1.2.3.4/x"] {
            assert!(TrustedProxies::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn forwarded_addresses_count_only_from_trusted_proxies() {
        let t = TrustedProxies::parse("10.0.0.0/8").unwrap();
        let proxy = Some(ip("10.0.0.5"));
        let xff = headers(&[
            ("x-forwarded-for", "198.51.100.1, 203.0.113.9"),
            ("x-forwarded-proto", "https"),
        ]);
        // Untrusted peer: headers ignored.
        assert_eq!(
            resolve(Some(ip("192.0.2.1")), &xff, &t),
            (Some(ip("192.0.2.1")), None)
        );
        // Trusted: the right-most address that is not ours.
        assert_eq!(resolve(proxy, &xff, &t), (Some(ip("203.0.113.9")), Some(true)));
        // Our own inner proxies are skipped.
        let chain = headers(&[
            ("x-forwarded-for", "203.0.113.9, 10.0.0.7"),
            ("x-forwarded-for", "10.0.0.8"),
        ]);
        assert_eq!(resolve(proxy, &chain, &t).0, Some(ip("203.0.113.9")));
        // Unreadable: the peer.
        for bad in ["", "garbage", "203.0.113.9, nonsense", "unknown"] {
            let h = headers(&[("x-forwarded-for", bad), ("x-forwarded-proto", "gopher")]);
            assert_eq!(resolve(proxy, &h, &t), (proxy, None), "{bad}");
        }
        // Only garbage left of the client does not matter.
        let h = headers(&[("x-forwarded-for", "rubbish, [2001:db8::9]:4711")]);
        assert_eq!(resolve(proxy, &h, &t).0, Some(ip("2001:db8::9")));
        // RFC 7239.
        let h = headers(&[(
            "forwarded",
            "for=198.51.100.1;proto=http, for=\"[2001:db8::17]:4711\";proto=https;by=10.0.0.5",
        )]);
        assert_eq!(resolve(proxy, &h, &t), (Some(ip("2001:db8::17")), Some(true)));
        let h = headers(&[("forwarded", "for=unknown;proto=https")]);
        assert_eq!(resolve(proxy, &h, &t), (proxy, Some(true)));
        // No trusted proxies configured: nothing is believed.
        let none = TrustedProxies::default();
        assert_eq!(resolve(proxy, &xff, &none), (proxy, None));
    }
}
