//! Address blocks (CIDR) and the client address behind trusted proxies.
//!
//! Behind a reverse proxy every request comes from the proxy's address. The proxy says who
//! its client was in `X-Forwarded-For`, but anyone can send that header: it counts only when
//! the request comes from a proxy the operator trusts, and then only up to the first address
//! that is not one of them (RFC 7239's model; the header is read right to left).

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

/// An address block such as `10.0.0.0/8`, `192.0.2.7` (one address) or `2001:db8::/32`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an address block; write one as 10.0.0.0/8, 192.0.2.7 or 2001:db8::/32")]
pub struct BadCidr(pub String);

impl FromStr for Cidr {
    type Err = BadCidr;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || BadCidr(text.to_owned());
        let (address, prefix) = match text.trim().split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text.trim(), None),
        };
        let network: IpAddr = address.parse().map_err(|_| bad())?;
        let width = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
                p.parse::<u8>().map_err(|_| bad())?
            }
            Some(_) => return Err(bad()),
            None => width,
        };
        if prefix > width {
            return Err(bad());
        }
        Ok(Cidr { network, prefix })
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

impl Cidr {
    /// Whether `address` is in the block (an IPv4 address never is in an IPv6 block, nor the
    /// reverse, except that an IPv4-mapped IPv6 address counts as its IPv4 address).
    pub fn contains(&self, address: IpAddr) -> bool {
        let address = match address {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
            v4 => v4,
        };
        match (self.network, address) {
            (IpAddr::V4(net), IpAddr::V4(a)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(a)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

/// The client's address: the peer's, unless the peer is a trusted proxy; then the rightmost
/// address of `forwarded_for` (the `X-Forwarded-For` values, in order) that is not a trusted
/// proxy. A value that is not an address stops the walk there: what lies left of it was
/// written by someone untrusted.
pub fn client_address(peer: IpAddr, forwarded_for: &[&str], trusted: &[Cidr]) -> IpAddr {
    let is_trusted = |a: IpAddr| trusted.iter().any(|c| c.contains(a));
    if !is_trusted(peer) {
        return peer;
    }
    let mut client = peer;
    for hop in forwarded_for
        .iter()
        .flat_map(|v| v.split(','))
        .rev()
        .map(str::trim)
    {
        // Some proxies write the port too: `192.0.2.7:443`, `[2001:db8::1]:443`.
        let Some(address) = hop
            .parse::<IpAddr>()
            .ok()
            .or_else(|| hop.parse::<std::net::SocketAddr>().ok().map(|s| s.ip()))
        else {
            break;
        };
        client = address;
        if !is_trusted(address) {
            break;
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn blocks_parse_and_contain() {
        let lan: Cidr = "10.0.0.0/8".parse().unwrap();
        assert!(lan.contains(ip("10.200.3.4")));
        assert!(!lan.contains(ip("11.0.0.1")));
        assert!(lan.contains(ip("::ffff:10.1.2.3")), "IPv4-mapped");
        let one: Cidr = "192.0.2.7".parse().unwrap();
        assert!(one.contains(ip("192.0.2.7")) && !one.contains(ip("192.0.2.8")));
        let v6: Cidr = "2001:db8::/32".parse().unwrap();
        assert!(v6.contains(ip("2001:db8:1::5")) && !v6.contains(ip("2001:db9::1")));
        let all: Cidr = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("203.0.113.9")) && !all.contains(ip("::1")));
        for bad in [
            "10.0.0.0/33",
            "10.0.0/8",
            "fe80::/129",
            "10.0.0.0/",
            "x",
            "10.0.0.0/-1",
            "",
        ] {
            assert_eq!(bad.parse::<Cidr>(), Err(BadCidr(bad.to_owned())), "{bad}");
        }
    }

    #[test]
    fn forwarded_for_counts_only_from_trusted_proxies() {
        let proxies: Vec<Cidr> = vec!["10.0.0.0/8".parse().unwrap()];
        // Straight from the internet: the header is whatever the client wrote.
        assert_eq!(
            client_address(ip("203.0.113.9"), &["198.51.100.1"], &proxies),
            ip("203.0.113.9")
        );
        // Through our proxy: its client.
        assert_eq!(
            client_address(ip("10.0.0.2"), &["198.51.100.1"], &proxies),
            ip("198.51.100.1")
        );
        // A client that forges an earlier hop is still named by what our proxy saw.
        assert_eq!(
            client_address(ip("10.0.0.2"), &["1.2.3.4, 198.51.100.1"], &proxies),
            ip("198.51.100.1")
        );
        // Two proxies of ours in a row, header split over two lines.
        assert_eq!(
            client_address(ip("10.0.0.2"), &["198.51.100.1", "10.0.0.3"], &proxies),
            ip("198.51.100.1")
        );
        // Garbage stops the walk at the last address a trusted hop wrote.
        assert_eq!(
            client_address(ip("10.0.0.2"), &["198.51.100.1, not-an-address"], &proxies),
            ip("10.0.0.2")
        );
        // Addresses with their ports, as some proxies write them.
        assert_eq!(
            client_address(ip("10.0.0.2"), &["198.51.100.1:5555"], &proxies),
            ip("198.51.100.1")
        );
        assert_eq!(
            client_address(ip("10.0.0.2"), &["[2001:db8::7]:443"], &proxies),
            ip("2001:db8::7")
        );
        // No header: the proxy itself.
        assert_eq!(
            client_address(ip("10.0.0.2"), &[], &proxies),
            ip("10.0.0.2")
        );
        // No trusted proxies at all: the peer, whatever the header says.
        assert_eq!(
            client_address(ip("10.0.0.2"), &["198.51.100.1"], &[]),
            ip("10.0.0.2")
        );
    }
}
