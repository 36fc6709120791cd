-- Whether a partner that joined a referral lets the others see it did (its own decision's
-- choice, as the referrer's `show_referrer`).
ALTER TABLE online_referral_supporters ADD COLUMN shown BIGINT NOT NULL DEFAULT 0;

-- Whether a bank hit may name the other agency: a referral whose referrer stays hidden from the
-- partners stays hidden in the hits its images make too.
ALTER TABLE online_bank_hits ADD COLUMN other_shown BIGINT NOT NULL DEFAULT 1;
