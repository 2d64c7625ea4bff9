//! Where the platform sits on the network: its public base URL (`--public-url`), lists of
//! networks (the reverse proxies whose `X-Forwarded-For` is believed, the clients allowed to
//! read `/metrics`) and the rule that finds the real client address of a request.
//!
//! Nothing here trusts what a client says about the server: the `Host` header never makes a
//! link, and `X-Forwarded-For` counts only when the connection comes from a listed proxy.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

/// The address people use to reach the platform, e.g. `https://fazhi.wolong.gov.cn`: scheme,
/// host and optional port, without a path (every route of the platform is at the root).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl {
    /// `https://fazhi.wolong.gov.cn` (no trailing slash).
    origin: String,
    https: bool,
}

impl PublicUrl {
    /// The origin, `https://host[:port]`.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Whether the platform is reached over TLS (cookies are then `Secure`).
    pub fn is_https(&self) -> bool {
        self.https
    }

    /// The absolute URL of a path of the platform: `join("/portal")`.
    pub fn join(&self, path: &str) -> String {
        if path.starts_with('/') {
            format!("{}{path}", self.origin)
        } else {
            format!("{}/{path}", self.origin)
        }
    }

    /// `http://ADDR` for a server listening on a concrete address (the demo on
    /// 127.0.0.1:8080); `None` for a wildcard address or port 0, which no client can use.
    pub fn from_listen(addr: SocketAddr) -> Option<Self> {
        if addr.ip().is_unspecified() || addr.port() == 0 {
            return None;
        }
        Some(Self {
            origin: format!("http://{addr}"),
            https: false,
        })
    }
}

impl fmt::Display for PublicUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.origin)
    }
}

impl FromStr for PublicUrl {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let (scheme, rest) = s
            .split_once("://")
            .ok_or_else(|| format!("public URL {s:?} must start with https:// or http://"))?;
        let https = match scheme.to_ascii_lowercase().as_str() {
            "https" => true,
            "http" => false,
            _ => return Err(format!("public URL {s:?} must be http or https")),
        };
        let authority = rest.strip_suffix('/').unwrap_or(rest);
        if authority.is_empty()
            || authority.contains(['/', '?', '#', '@', '\\'])
            || authority
                .chars()
                .any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(format!(
                "public URL {s:?} must be scheme://host[:port] without path, query or user"
            ));
        }
        let parsed: axum::http::uri::Authority = authority
            .parse()
            .map_err(|e| format!("public URL {s:?}: {e}"))?;
        if parsed.host().is_empty() {
            return Err(format!("public URL {s:?} has no host"));
        }
        Ok(Self {
            origin: format!(
                "{}://{}",
                if https { "https" } else { "http" },
                parsed.as_str().to_ascii_lowercase()
            ),
            https,
        })
    }
}

/// A list of IP networks (`10.0.0.0/8, 192.0.2.7, ::1`); a bare address is a network of one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Networks(Vec<ipnet::IpNet>);

impl Networks {
    /// The machine itself: `127.0.0.0/8` and `::1`.
    pub fn loopback() -> Self {
        Self(vec![
            ipnet::IpNet::V4(ipnet::Ipv4Net::new_assert([127, 0, 0, 0].into(), 8)),
            ipnet::IpNet::V6(ipnet::Ipv6Net::new_assert(
                std::net::Ipv6Addr::LOCALHOST,
                128,
            )),
        ])
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|n| n.contains(&ip))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Networks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&list.join(","))
    }
}

impl FromStr for Networks {
    type Err = String;

    /// Comma- or space-separated networks; an empty string or `none` is the empty list.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.trim().eq_ignore_ascii_case("none") {
            return Ok(Self::default());
        }
        s.split([',', ' '])
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| {
                p.parse::<ipnet::IpNet>()
                    .or_else(|_| p.parse::<IpAddr>().map(ipnet::IpNet::from))
                    .map_err(|_| format!("{p:?} is not an IP address or network (10.0.0.0/8)"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }
}

/// One hop of `X-Forwarded-For`: `203.0.113.7`, `2001:db8::1`, `203.0.113.7:41234` or
/// `[2001:db8::1]:41234`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .map(|ip| ip.to_canonical())
}

/// The real client of a request. The connection's peer is the client unless it is one of the
/// `trusted` proxies; then `X-Forwarded-For` (every header value, in order) is read from the
/// right, skipping trusted proxies, and the first other address is the client. An
/// unreadable entry stops the walk at the last proxy that was trusted (so a forged or broken
/// header never picks an address the proxy did not see), and a chain of trusted proxies
/// only gives its leftmost member.
pub fn client_ip<'a>(
    peer: IpAddr,
    forwarded_for: impl IntoIterator<Item = &'a str>,
    trusted: &Networks,
) -> IpAddr {
    let mut client = peer.to_canonical();
    if !trusted.contains(client) {
        return client;
    }
    let hops: Vec<&str> = forwarded_for
        .into_iter()
        .flat_map(|v| v.split(','))
        .collect();
    for hop in hops.iter().rev() {
        let Some(ip) = parse_hop(hop) else {
            return client;
        };
        client = ip;
        if !trusted.contains(ip) {
            return ip;
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn public_urls_are_origins_only() {
        let u: PublicUrl = "https://Fazhi.Wolong.gov.cn/".parse().expect("valid");
        assert_eq!(u.origin(), "https://fazhi.wolong.gov.cn");
        assert!(u.is_https());
        assert_eq!(
            u.join("/open311/v2"),
            "https://fazhi.wolong.gov.cn/open311/v2"
        );
        let u: PublicUrl = "http://10.1.2.3:8080".parse().expect("valid");
        assert_eq!(u.join("portal"), "http://10.1.2.3:8080/portal");
        assert!(!u.is_https());
        for bad in [
            "fazhi.gov.cn",
            "ftp://fazhi.gov.cn",
            "https://",
            "https://fazhi.gov.cn/sub",
            "https://fazhi.gov.cn?x=1",
            "https://user@fazhi.gov.cn",
            "https://fazhi gov.cn",
            "javascript://alert(1)",
        ] {
            assert!(bad.parse::<PublicUrl>().is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn a_listen_address_is_a_public_url_only_when_clients_can_use_it() {
        assert_eq!(
            PublicUrl::from_listen("127.0.0.1:8080".parse().expect("addr"))
                .map(|u| u.to_string())
                .as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(
            PublicUrl::from_listen("0.0.0.0:8080".parse().expect("addr")),
            None
        );
        assert_eq!(
            PublicUrl::from_listen("127.0.0.1:0".parse().expect("addr")),
            None
        );
    }

    #[test]
    fn networks_take_addresses_and_cidrs() {
        let n: Networks = "10.0.0.0/8, 192.0.2.7 ::1".parse().expect("valid");
        assert!(n.contains(ip("10.200.1.1")));
        assert!(n.contains(ip("192.0.2.7")));
        assert!(!n.contains(ip("192.0.2.8")));
        assert!(n.contains(ip("::1")));
        assert!(n.contains(ip("::ffff:10.0.0.9")), "IPv4-mapped peer");
        assert!("".parse::<Networks>().expect("empty").is_empty());
        assert!("none".parse::<Networks>().expect("none").is_empty());
        assert!("10.0.0.0/33".parse::<Networks>().is_err());
        assert!("proxy.local".parse::<Networks>().is_err());
        assert!(Networks::loopback().contains(ip("127.0.0.5")));
    }

    #[test]
    fn forwarded_for_counts_only_from_trusted_proxies() {
        let trusted: Networks = "10.0.0.0/8".parse().expect("valid");
        // Straight from the internet: the header is the client's own claim.
        assert_eq!(
            client_ip(ip("198.51.100.9"), ["1.2.3.4"], &trusted),
            ip("198.51.100.9")
        );
        // Through the proxy: its entry (the rightmost) names the client.
        assert_eq!(
            client_ip(ip("10.0.0.2"), ["203.0.113.7"], &trusted),
            ip("203.0.113.7")
        );
        // A client forging a first entry does not get to choose its key.
        assert_eq!(
            client_ip(ip("10.0.0.2"), ["1.1.1.1, 203.0.113.7"], &trusted),
            ip("203.0.113.7")
        );
        // Two proxies, two headers, ports and brackets.
        assert_eq!(
            client_ip(
                ip("10.0.0.2"),
                ["[2001:db8::7]:5555", "10.9.9.9:80"],
                &trusted
            ),
            ip("2001:db8::7")
        );
        // Garbage stops at the last trusted hop.
        assert_eq!(
            client_ip(ip("10.0.0.2"), ["203.0.113.7, garbage"], &trusted),
            ip("10.0.0.2")
        );
        // No header: the proxy itself.
        assert_eq!(
            client_ip(ip("10.0.0.2"), std::iter::empty(), &trusted),
            ip("10.0.0.2")
        );
        // Nothing trusted: the header is ignored.
        assert_eq!(
            client_ip(ip("10.0.0.2"), ["203.0.113.7"], &Networks::default()),
            ip("10.0.0.2")
        );
    }
}
