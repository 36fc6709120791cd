//! The network behind the messages: entities and cases as nodes; as edges, two entities named
//! in one message (co-occurrence) and an entity named in a case's message. Built from the
//! messages a reader may read, and nothing else: the caller chooses them.
//!
//! Weights count messages: two entities named together in three messages are one edge of
//! weight 3. Distances count edges, so a case sits between the entities its messages name.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::hash::Hash;

use petgraph::graph::{NodeIndex, UnGraph};
use petgraph::visit::EdgeRef;

use crate::Kind;

/// A node: an entity by its normalised key, or a case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Node<C> {
    Entity { kind: Kind, key: String },
    Case(C),
}

/// Why two nodes are joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Relation {
    /// Two entities named in one message.
    CoOccurs,
    /// An entity named in a message of the case.
    InCase,
}

impl Relation {
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::CoOccurs => "co-occurs",
            Relation::InCase => "in-case",
        }
    }
}

/// An edge: its relation and how many messages state it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link {
    pub relation: Relation,
    pub messages: u32,
}

/// One message as the network reads it: its case, if any, and the keys it names.
#[derive(Debug, Clone)]
pub struct Mentions<M, C> {
    pub message: M,
    pub case: Option<C>,
    pub entities: Vec<(Kind, String)>,
}

/// The network of some messages.
#[derive(Debug, Clone)]
pub struct Network<C> {
    graph: UnGraph<Node<C>, Link>,
    index: HashMap<Node<C>, NodeIndex>,
}

impl<C: Clone + Eq + Hash + Ord> Default for Network<C> {
    fn default() -> Self {
        Network {
            graph: UnGraph::default(),
            index: HashMap::new(),
        }
    }
}

impl<C: Clone + Eq + Hash + Ord> Network<C> {
    /// The network of `messages`; a message given twice counts once.
    pub fn of<M: Eq + Hash + Clone>(messages: &[Mentions<M, C>]) -> Network<C> {
        let mut network = Network::default();
        let mut seen = std::collections::HashSet::new();
        let mut weights: HashMap<(NodeIndex, NodeIndex, Relation), u32> = HashMap::new();
        for m in messages {
            if !seen.insert(m.message.clone()) {
                continue;
            }
            let keys: BTreeSet<&(Kind, String)> = m.entities.iter().collect();
            let nodes: Vec<NodeIndex> = keys
                .into_iter()
                .map(|(kind, key)| {
                    network.node(Node::Entity {
                        kind: *kind,
                        key: key.clone(),
                    })
                })
                .collect();
            for (i, &a) in nodes.iter().enumerate() {
                for &b in &nodes[i + 1..] {
                    *weights
                        .entry((a.min(b), a.max(b), Relation::CoOccurs))
                        .or_default() += 1;
                }
            }
            if let Some(case) = &m.case {
                let c = network.node(Node::Case(case.clone()));
                for &a in &nodes {
                    *weights.entry((a, c, Relation::InCase)).or_default() += 1;
                }
            }
        }
        let mut edges: Vec<_> = weights.into_iter().collect();
        edges.sort_unstable_by_key(|((a, b, r), _)| (*a, *b, *r));
        for ((a, b, relation), messages) in edges {
            network.graph.add_edge(a, b, Link { relation, messages });
        }
        network
    }

    fn node(&mut self, node: Node<C>) -> NodeIndex {
        if let Some(&i) = self.index.get(&node) {
            return i;
        }
        let i = self.graph.add_node(node.clone());
        self.index.insert(node, i);
        i
    }

    pub fn contains(&self, node: &Node<C>) -> bool {
        self.index.contains_key(node)
    }

    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    /// The nodes within `depth` edges of `from`, each with its distance, nearest first (then
    /// in the order of [`Node`]); empty when `from` is not in the network.
    pub fn within(&self, from: &Node<C>, depth: usize) -> Vec<(Node<C>, usize)> {
        let Some(&start) = self.index.get(from) else {
            return Vec::new();
        };
        let mut distance: HashMap<NodeIndex, usize> = HashMap::from([(start, 0)]);
        let mut queue = VecDeque::from([start]);
        while let Some(n) = queue.pop_front() {
            let d = distance[&n];
            if d == depth {
                continue;
            }
            for next in self.graph.neighbors(n) {
                if let std::collections::hash_map::Entry::Vacant(e) = distance.entry(next) {
                    e.insert(d + 1);
                    queue.push_back(next);
                }
            }
        }
        let mut out: Vec<(Node<C>, usize)> = distance
            .into_iter()
            .map(|(i, d)| (self.graph[i].clone(), d))
            .collect();
        out.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
        out
    }

    /// The edges between `nodes`, as (one end, the other, link), each once, ends in the order
    /// of [`Node`].
    pub fn edges_among(&self, nodes: &[Node<C>]) -> Vec<(Node<C>, Node<C>, Link)> {
        let wanted: std::collections::HashSet<NodeIndex> = nodes
            .iter()
            .filter_map(|n| self.index.get(n).copied())
            .collect();
        let mut out: Vec<(Node<C>, Node<C>, Link)> = self
            .graph
            .edge_references()
            .filter(|e| wanted.contains(&e.source()) && wanted.contains(&e.target()))
            .map(|e| {
                let (a, b) = (&self.graph[e.source()], &self.graph[e.target()]);
                let (a, b) = if a <= b { (a, b) } else { (b, a) };
                (a.clone(), b.clone(), *e.weight())
            })
            .collect();
        out.sort_by(|x, y| (&x.0, &x.1, x.2.relation).cmp(&(&y.0, &y.1, y.2.relation)));
        out
    }

    /// How many other nodes `node` is joined to.
    pub fn degree(&self, node: &Node<C>) -> usize {
        self.index
            .get(node)
            .map_or(0, |&i| self.graph.neighbors(i).count())
    }

    /// The `n` entities joined to the most other nodes, most first (ties in the order of
    /// [`Node`]).
    pub fn most_connected(&self, n: usize) -> Vec<(Node<C>, usize)> {
        let mut all: Vec<(Node<C>, usize)> = self
            .graph
            .node_indices()
            .filter(|&i| matches!(self.graph[i], Node::Entity { .. }))
            .map(|i| (self.graph[i].clone(), self.graph.neighbors(i).count()))
            .collect();
        all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        all.truncate(n);
        all
    }

    /// The shortest path from `from` to `to` in edges (the nodes on it, both ends included),
    /// or `None` when they are not joined.
    pub fn shortest_path(&self, from: &Node<C>, to: &Node<C>) -> Option<Vec<Node<C>>> {
        let (&a, &b) = (self.index.get(from)?, self.index.get(to)?);
        let (_, path) = petgraph::algo::astar(&self.graph, a, |n| n == b, |_| 1, |_| 0)?;
        Some(path.into_iter().map(|i| self.graph[i].clone()).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entity(kind: Kind, key: &str) -> Node<u32> {
        Node::Entity {
            kind,
            key: key.to_owned(),
        }
    }

    fn message(id: u32, case: Option<u32>, entities: &[(Kind, &str)]) -> Mentions<u32, u32> {
        Mentions {
            message: id,
            case,
            entities: entities
                .iter()
                .map(|(k, v)| (*k, (*v).to_owned()))
                .collect(),
        }
    }

    /// A chain: the recruiter's phone with a vessel (message 1), the vessel with an account
    /// (2, in case 7), the account with an e-mail address (3); and an island (4).
    fn network() -> Network<u32> {
        Network::of(&[
            message(
                1,
                None,
                &[(Kind::Phone, "+923001234567"), (Kind::Imo, "9074729")],
            ),
            message(2, Some(7), &[(Kind::Imo, "9074729"), (Kind::Iban, "IT60X")]),
            message(3, None, &[(Kind::Iban, "IT60X"), (Kind::Email, "a@b.org")]),
            message(4, None, &[(Kind::Handle, "island")]),
            // Message 1 again, and the phone with the vessel once more in another message.
            message(
                1,
                None,
                &[(Kind::Phone, "+923001234567"), (Kind::Imo, "9074729")],
            ),
            message(
                5,
                None,
                &[(Kind::Imo, "9074729"), (Kind::Phone, "+923001234567")],
            ),
        ])
    }

    #[test]
    fn neighbours_are_found_to_the_depth_asked_and_no_further() {
        let n = network();
        let phone = entity(Kind::Phone, "+923001234567");
        let one: Vec<_> = n.within(&phone, 1);
        assert_eq!(one, [(phone.clone(), 0), (entity(Kind::Imo, "9074729"), 1)]);
        let two = n.within(&phone, 2);
        assert_eq!(
            two[2..],
            [(entity(Kind::Iban, "IT60X"), 2), (Node::Case(7), 2)]
        );
        // The e-mail is three edges away; the island is never reached.
        let all = n.within(&phone, 10);
        assert_eq!(all.len(), 5);
        assert!(
            !all.iter()
                .any(|(node, _)| node == &entity(Kind::Handle, "island"))
        );
        assert!(n.within(&entity(Kind::Phone, "+1"), 3).is_empty());
    }

    #[test]
    fn edges_count_messages_once_each() {
        let n = network();
        let phone = entity(Kind::Phone, "+923001234567");
        let imo = entity(Kind::Imo, "9074729");
        let edges = n.edges_among(&[phone.clone(), imo.clone(), Node::Case(7)]);
        assert_eq!(edges.len(), 2, "{edges:?}");
        assert_eq!(
            edges[0],
            (
                phone.clone(),
                imo.clone(),
                Link {
                    relation: Relation::CoOccurs,
                    messages: 2
                }
            )
        );
        assert_eq!(edges[1].2.relation, Relation::InCase);
        assert_eq!(n.degree(&imo), 3);
    }

    #[test]
    fn the_shortest_path_and_the_most_connected() {
        let n = network();
        let phone = entity(Kind::Phone, "+923001234567");
        let email = entity(Kind::Email, "a@b.org");
        assert_eq!(
            n.shortest_path(&phone, &email).unwrap(),
            [
                phone.clone(),
                entity(Kind::Imo, "9074729"),
                entity(Kind::Iban, "IT60X"),
                email
            ]
        );
        assert_eq!(
            n.shortest_path(&phone, &entity(Kind::Handle, "island")),
            None
        );
        let top = n.most_connected(2);
        assert_eq!(top[0], (entity(Kind::Imo, "9074729"), 3));
        assert_eq!(top[1], (entity(Kind::Iban, "IT60X"), 3));
    }
}
