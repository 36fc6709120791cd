//! The network behind the messages: entities and cases as nodes; as edges, two entities named
//! in one message (co-occurrence), a relation a message states between two of its entities
//! (a person uses a telephone, owns a vessel…: [`crate::relation`]) and an entity named in a
//! case's message. Built from the messages a reader may read, and nothing else: the caller
//! chooses them.
//!
//! Weights count messages: two entities named together in three messages are one edge of
//! weight 3. Distances count edges, so a case sits between the entities its messages name.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::hash::Hash;

use petgraph::graph::{NodeIndex, UnGraph};
use petgraph::visit::EdgeRef;

use crate::Kind;
use crate::relation::Stated;

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
    /// What a message states, from its subject to its object.
    Stated(Stated),
}

impl Relation {
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::CoOccurs => "co-occurs",
            Relation::InCase => "in-case",
            Relation::Stated(s) => s.as_str(),
        }
    }

    /// Whether it reads the same both ways (a stated relation may not: a person uses a
    /// telephone).
    pub fn symmetric(self) -> bool {
        match self {
            Relation::Stated(s) => s.symmetric(),
            Relation::CoOccurs | Relation::InCase => true,
        }
    }
}

/// An edge: its relation and how many messages state it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link {
    pub relation: Relation,
    pub messages: u32,
}

/// A relation a message states: its subject, the relation, its object (kind and key each).
pub type StatedRelation = ((Kind, String), Stated, (Kind, String));

/// One message as the network reads it: its case, if any, the keys it names and the
/// relations it states between them (subject, relation, object).
#[derive(Debug, Clone)]
pub struct Mentions<M, C> {
    pub message: M,
    pub case: Option<C>,
    pub entities: Vec<(Kind, String)>,
    pub stated: Vec<StatedRelation>,
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
            // A relation stated twice in one message counts once.
            let stated: BTreeSet<&StatedRelation> = m.stated.iter().collect();
            for ((sk, skey), relation, (ok, okey)) in stated {
                let a = network.node(Node::Entity {
                    kind: *sk,
                    key: skey.clone(),
                });
                let b = network.node(Node::Entity {
                    kind: *ok,
                    key: okey.clone(),
                });
                let (a, b) = if relation.symmetric() {
                    (a.min(b), a.max(b))
                } else {
                    (a, b)
                };
                *weights
                    .entry((a, b, Relation::Stated(*relation)))
                    .or_default() += 1;
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

    /// The edges between `nodes`, as (one end, the other, link), each once: a stated relation
    /// that reads one way from its subject to its object, any other with its ends in the
    /// order of [`Node`].
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
                let (a, b) = if a <= b || !e.weight().relation.symmetric() {
                    (a, b)
                } else {
                    (b, a)
                };
                (a.clone(), b.clone(), *e.weight())
            })
            .collect();
        out.sort_by(|x, y| (&x.0, &x.1, x.2.relation).cmp(&(&y.0, &y.1, y.2.relation)));
        out
    }

    /// How many other nodes `node` is joined to (once each, however many relations join
    /// them).
    pub fn degree(&self, node: &Node<C>) -> usize {
        self.index.get(node).map_or(0, |&i| self.neighbours(i))
    }

    fn neighbours(&self, i: NodeIndex) -> usize {
        self.graph
            .neighbors(i)
            .collect::<std::collections::HashSet<_>>()
            .len()
    }

    /// The `n` entities joined to the most other nodes, most first (ties in the order of
    /// [`Node`]).
    pub fn most_connected(&self, n: usize) -> Vec<(Node<C>, usize)> {
        let mut all: Vec<(Node<C>, usize)> = self
            .graph
            .node_indices()
            .filter(|&i| matches!(self.graph[i], Node::Entity { .. }))
            .map(|i| (self.graph[i].clone(), self.neighbours(i)))
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
            stated: Vec::new(),
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

    #[test]
    fn a_stated_relation_is_an_edge_from_its_subject_and_counts_a_neighbour_once() {
        let person = (Kind::Person, "karim demo".to_owned());
        let phone = (Kind::Phone, "+923001234567".to_owned());
        let other = (Kind::Person, "aaron demo".to_owned());
        let mut m = message(1, None, &[]);
        m.entities = vec![person.clone(), phone.clone(), other.clone()];
        m.stated = vec![
            (person.clone(), Stated::Uses, phone.clone()),
            (person.clone(), Stated::Uses, phone.clone()),
            (person.clone(), Stated::TravelledWith, other.clone()),
        ];
        let mut again = m.clone();
        again.message = 2;
        again.stated = vec![(person.clone(), Stated::Uses, phone.clone())];
        let n = Network::of(&[m, again]);
        let node = |(k, v): &(Kind, String)| Node::<u32>::Entity {
            kind: *k,
            key: v.clone(),
        };
        let edges = n.edges_among(&[node(&person), node(&phone), node(&other)]);
        let uses = edges
            .iter()
            .find(|e| e.2.relation == Relation::Stated(Stated::Uses))
            .unwrap();
        // From the person to the telephone, although the telephone sorts first; stated by
        // two messages (twice in the first counts once).
        assert_eq!(
            (&uses.0, &uses.1, uses.2.messages),
            (&node(&person), &node(&phone), 2)
        );
        // Travelled with reads both ways: its ends in the order of nodes.
        let with = edges
            .iter()
            .find(|e| e.2.relation == Relation::Stated(Stated::TravelledWith))
            .unwrap();
        assert_eq!((&with.0, &with.1), (&node(&other), &node(&person)));
        // Co-occurrence and the stated relation join the person and the telephone: one
        // neighbour.
        assert_eq!(n.degree(&node(&person)), 2);
        assert_eq!(n.degree(&node(&phone)), 2);
    }
}
