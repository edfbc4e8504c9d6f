-- merge_hist(a, b): the sum of two latency histograms, as src/telemetry/latency-histogram.ts mergeHistograms computes it
-- for SQLite (the roll-up upsert adds a minute's new histogram to the stored one). A histogram is a byte string of
-- (uint16 bucket, uint32 count) pairs, little-endian, 512 buckets. Pair order does not matter to readers.
CREATE OR REPLACE FUNCTION merge_hist(a bytea, b bytea) RETURNS bytea
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  counts bigint[] := array_fill(0::bigint, ARRAY[512]);
  buf bytea;
  i int;
  bucket int;
  n bigint;
  pair bytea;
  result bytea := ''::bytea;
BEGIN
  FOREACH buf IN ARRAY ARRAY[coalesce(a, ''::bytea), coalesce(b, ''::bytea)] LOOP
    i := 0;
    WHILE i + 6 <= length(buf) LOOP
      bucket := get_byte(buf, i) + get_byte(buf, i + 1) * 256;
      n := get_byte(buf, i + 2) + get_byte(buf, i + 3) * 256 + get_byte(buf, i + 4) * 65536 + get_byte(buf, i + 5)::bigint * 16777216;
      counts[bucket + 1] := counts[bucket + 1] + n;
      i := i + 6;
    END LOOP;
  END LOOP;
  FOR bucket IN 0..511 LOOP
    n := counts[bucket + 1];
    IF n > 0 THEN
      pair := '\x000000000000'::bytea;
      pair := set_byte(pair, 0, bucket & 255);
      pair := set_byte(pair, 1, bucket >> 8);
      pair := set_byte(pair, 2, (n & 255)::int);
      pair := set_byte(pair, 3, ((n >> 8) & 255)::int);
      pair := set_byte(pair, 4, ((n >> 16) & 255)::int);
      pair := set_byte(pair, 5, ((n >> 24) & 255)::int);
      result := result || pair;
    END IF;
  END LOOP;
  RETURN result;
END
$$;
