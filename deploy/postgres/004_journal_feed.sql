-- Collaboration journal, version 4: the feed, a global commit-ordered read over all streams (IEventJournal.ReadFeedAsync).
--
-- A sequence cannot order the feed: with several writers, a transaction holding a lower number can commit after one
-- holding a higher number, and a reader tailing by number would skip its rows. Instead every row records the id of
-- the transaction that wrote it (64-bit, so it never wraps; a subtransaction reports its top-level id). A reader
-- takes its snapshot's xmin: every transaction below it has finished, so the rows with a lower tx are final and the
-- feed may pass them. Rows stored before this script get the id of the migration's own transaction.
ALTER TABLE journal_events ADD COLUMN tx bigint NOT NULL DEFAULT (pg_current_xact_id()::text::bigint);

-- Matches the feed's ORDER BY, so a page is a range scan that stops after its limit.
CREATE INDEX journal_events_tx ON journal_events (tx, stream_id, version);
