-- Collaboration, version 6: snapshots of the read models that fold the journal's feed (the participation model), so
-- that a new activation loads the newest one and folds only the events after it.
--
-- A snapshot is stored in parts (a few MB each, written one by one so that no single statement carries hundreds of
-- MB); part 0 is its header and is written last, so a snapshot is published only once every part is there. position is
-- the feed position the snapshot covers (a transaction id, see 004_journal_feed.sql). The silo keeps the newest two.
CREATE TABLE read_model_snapshots (
    model    text    NOT NULL,
    position bigint  NOT NULL,
    part     integer NOT NULL,
    data     bytea   NOT NULL,
    PRIMARY KEY (model, position, part)
);

-- The parts are compressed already: store them out of line without trying to compress them again.
ALTER TABLE read_model_snapshots ALTER COLUMN data SET STORAGE EXTERNAL;
