## The intel pillar: messages, cases, hits.

intel-notice-message = Message from { $agency } ({ $tlp })
intel-notice-message-body = A message has been addressed to you under TLP:{ $tlp }.
intel-notice-case = Case opened by { $agency }
intel-notice-case-body = { $title }
intel-notice-hit = Hit with { $agency } ({ $tlp })
intel-notice-hit-body = Your { $kind } { $key } is also named in a record of { $agency }.

## Refusals (the API says them in English with the same codes).

intel-error-subject = Give a subject of 1 to { $max } characters.
intel-error-body = Give a text of 1 to { $max } characters.
intel-error-reliability = Choose the source's reliability: A, B, C or X.
intel-error-credibility = Choose the information's credibility: 1, 2, 3 or 4.
intel-error-entity-kind = { $given } is not a kind of entity.
intel-error-entities-max = At most { $max } entities.
intel-error-agency-code = { $given }: give an agency code of the partnership (PK-FIA).
intel-error-message-addressees = A message goes to at least one agency.
intel-error-too-many-addressees = At most { $max } agencies.
intel-error-recipients-needed = RED goes to named users: give their usernames.
intel-error-recipient = { $given } is not an active user of an agency this message goes to.
intel-error-recipients-not-red = Named recipients are for RED; under other labels the addressed agencies read.
intel-error-reply-case = A reply belongs to the case of the message it answers.
intel-error-reply-unknown = There is no such message that you may read.
intel-error-case-closed = The case is closed.
intel-error-case-unknown = There is no such case that you may read.
intel-error-addressee-not-in-case = { $agency } does not take part in this case.
intel-error-title = Give a title of 1 to { $max } characters.
