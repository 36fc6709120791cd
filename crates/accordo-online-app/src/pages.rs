//! The online pillar's pages (to come: the queue, an item with its decision, capture, the
//! referrals with the removal figures). Until they exist the pillar has no menu entry.

use accordo_server::pages::PageRoutes;
use accordo_server::testing::matrix::AccessRow;

pub fn routes() -> PageRoutes {
    PageRoutes::new()
}

/// The pages' rows of the access matrix.
pub fn matrix_rows() -> Vec<AccessRow> {
    Vec::new()
}
