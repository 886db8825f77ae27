-- The report's projection of oversight.verdicts and oversight.actions (report/README.md, "Tables").
-- One statement per ';'. Every time is UTC (TIMESTAMP without zone). Lists are VARCHAR[].
-- Tables named batch_* are not here: they are TEMP tables of the projection writer's connection (ProjectionWriter).

-- One row per verdict revision, as it was on the topic (raw_json is the record's value, byte for byte as text).
CREATE TABLE IF NOT EXISTS verdicts (
    verdict_id          VARCHAR NOT NULL,   -- <deployId>@<revision>
    deploy_id           VARCHAR NOT NULL,
    revision            INTEGER NOT NULL,
    schema_version      INTEGER NOT NULL,   -- 1 (no decision) or 2
    status              VARCHAR NOT NULL,   -- PENDING COMPLIANT VIOLATION EXCEPTION REMEDIATED BASELINE
    reason_codes        VARCHAR[] NOT NULL, -- in the verdict's order; details in verdict_reasons
    repository          VARCHAR,
    service             VARCHAR,
    environment         VARCHAR,
    team                VARCHAR,
    sha                 VARCHAR,
    previous_sha        VARCHAR,
    deployer            VARCHAR,
    url                 VARCHAR,
    deployed_at         TIMESTAMP,
    decided_at          TIMESTAMP,
    deadline            TIMESTAMP,          -- break-glass: when the review after the fact is due
    policy_name         VARCHAR,
    policy_version      VARCHAR,
    decision_protected  BOOLEAN,            -- schema 2 only; NULL on schema 1
    decision_action     VARCHAR,
    decision_dry_run    BOOLEAN,
    deployer_authored   BOOLEAN NOT NULL,   -- the deployer is the author of a change in the deploy
    evidence            VARCHAR[] NOT NULL, -- oversight.raw delivery ids
    raw_json            VARCHAR NOT NULL USING COMPRESSION zstd,
    kafka_partition     INTEGER NOT NULL,
    kafka_offset        BIGINT NOT NULL,
    projection_seq      BIGINT              -- the order the projection wrote its rows in (1, 2, ...)
);

-- The three tables of a verdict revision's lists are made from its raw_json by the projection writer, or from the verdict
-- as parsed when DuckDB would read that JSON otherwise (ProjectionWriter, ListsJson).

-- The reasons of each verdict revision, in order.
CREATE TABLE IF NOT EXISTS verdict_reasons (
    verdict_id  VARCHAR NOT NULL,
    deploy_id   VARCHAR NOT NULL,
    position    INTEGER NOT NULL,
    code        VARCHAR NOT NULL,
    detail      VARCHAR
);

-- The changes of each verdict revision (the deploy's change set), in order.
CREATE TABLE IF NOT EXISTS verdict_changes (
    verdict_id  VARCHAR NOT NULL,
    deploy_id   VARCHAR NOT NULL,
    position    INTEGER NOT NULL,
    change_id   VARCHAR,
    title       VARCHAR,
    url         VARCHAR,
    author      VARCHAR,
    approvers   VARCHAR[] NOT NULL,
    head_sha    VARCHAR,
    merge_sha   VARCHAR
);

-- The latest result of each check on the deployed commit, per verdict revision.
CREATE TABLE IF NOT EXISTS verdict_checks (
    verdict_id  VARCHAR NOT NULL,
    deploy_id   VARCHAR NOT NULL,
    position    INTEGER NOT NULL,
    name        VARCHAR,
    conclusion  VARCHAR,
    sha         VARCHAR,
    url         VARCHAR
);

-- One row per deploy: its latest verdict revision, plus what its history says. Derived from verdicts (rebuilt for
-- every deploy a batch touches), never written otherwise.
CREATE TABLE IF NOT EXISTS deploys (
    deploy_id            VARCHAR NOT NULL,
    verdict_id           VARCHAR NOT NULL,  -- the latest revision
    revision             INTEGER NOT NULL,
    revisions            INTEGER NOT NULL,  -- how many revisions the projection holds
    status               VARCHAR NOT NULL,  -- of the latest revision
    reason_codes         VARCHAR[] NOT NULL, -- of the latest revision
    all_reason_codes     VARCHAR[] NOT NULL, -- every code any revision had, each once
    repository           VARCHAR,
    service              VARCHAR,
    environment          VARCHAR,
    team                 VARCHAR,
    sha                  VARCHAR,
    previous_sha         VARCHAR,
    deployer             VARCHAR,
    url                  VARCHAR,
    deployed_at          TIMESTAMP,
    decided_at           TIMESTAMP,         -- of the latest revision
    first_decided_at     TIMESTAMP,
    policy_name          VARCHAR,
    policy_version       VARCHAR,
    decision_protected   BOOLEAN,
    decision_action      VARCHAR,
    decision_dry_run     BOOLEAN,
    deployer_authored    BOOLEAN NOT NULL,  -- segregation of duties: the deployer authored a change in it
    flagged_status       VARCHAR,           -- VIOLATION or EXCEPTION: the first such status; NULL if never flagged
    flagged_at           TIMESTAMP,         -- decidedAt of that first VIOLATION/EXCEPTION revision
    remediated_at        TIMESTAMP,         -- decidedAt of the first REMEDIATED revision
    deadline             TIMESTAMP,         -- break-glass review deadline, when any revision had one
    break_glass          BOOLEAN NOT NULL,  -- any revision was an EXCEPTION or had reason BREAK_GLASS
    break_glass_expired  BOOLEAN NOT NULL   -- any revision had reason BREAK_GLASS_EXPIRED
);

-- One row per action phase (the worker records each phase of an action id at most once).
CREATE TABLE IF NOT EXISTS actions (
    action_id       VARCHAR NOT NULL,       -- <verdictId>:<type>:<target>
    phase           VARCHAR NOT NULL,       -- REQUESTED SUCCEEDED FAILED SKIPPED
    verdict_id      VARCHAR,
    deploy_id       VARCHAR,
    repository      VARCHAR,
    service         VARCHAR,
    environment     VARCHAR,
    type            VARCHAR NOT NULL,       -- ALERT RESOLVE ROLLBACK NOTICE
    target          VARCHAR,
    dry_run         BOOLEAN NOT NULL,
    attempt         INTEGER NOT NULL,
    detail          VARCHAR,
    acted_at        TIMESTAMP,
    verdict_status  VARCHAR,
    reason          VARCHAR,
    rollback_to_sha VARCHAR,
    raw_json        VARCHAR NOT NULL USING COMPRESSION zstd,
    kafka_partition INTEGER NOT NULL,
    kafka_offset    BIGINT NOT NULL
);

-- Where the projection is in each topic partition: written in the same transaction as the rows.
CREATE TABLE IF NOT EXISTS consumed_offsets (
    topic           VARCHAR NOT NULL,
    kafka_partition INTEGER NOT NULL,
    next_offset     BIGINT NOT NULL,
    PRIMARY KEY (topic, kafka_partition)
);
