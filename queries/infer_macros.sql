-- name: infer_macros
-- description: Macros of the inference stage (orderline infer): ol_first_line(message) is a message's first line
-- description: (a stack trace's frames are no part of its step); ol_raw_template(line) masks every quoted string and
-- description: every token holding a digit as <*> (the events.template column's pattern, except that a token's trailing
-- description: . and : stay literal: `tenant-190:` is `<*>:`); ol_raw_params(line) lists what it masked, left to right;
-- description: ol_norm(value) takes surrounding quotes and trailing . : , ; off (a quoted value's).
CREATE OR REPLACE TEMP MACRO ol_first_line(m) AS split_part(m, chr(10), 1);
-- (the literal pieces between the parameters joined by <*>: one pass, a quarter faster than regexp_replace)
CREATE OR REPLACE TEMP MACRO ol_raw_template(l) AS
  array_to_string(regexp_split_to_array(l, '"[^"]*"|''[^'']*''|\d{1,3}(?:,\d{3})+(?:[\w.:/@+#$-]*[\w/@+#$-])?|[\w.:/@+#$-]*\d(?:[\w.:/@+#$-]*[\w/@+#$-])?'), '<*>');
CREATE OR REPLACE TEMP MACRO ol_raw_params(l) AS
  regexp_extract_all(l, '"[^"]*"|''[^'']*''|\d{1,3}(?:,\d{3})+(?:[\w.:/@+#$-]*[\w/@+#$-])?|[\w.:/@+#$-]*\d(?:[\w.:/@+#$-]*[\w/@+#$-])?');
CREATE OR REPLACE TEMP MACRO ol_norm(v) AS
  rtrim(CASE WHEN len(v) >= 2 AND (starts_with(v, '"') AND ends_with(v, '"') OR starts_with(v, '''') AND ends_with(v, '''')) THEN v[2:-2] ELSE v END, '.:,;');
-- ol_addr_host(value): an address without its port and leading / (`/10.0.0.7:7000` → `10.0.0.7`), lower case (infer/addresses.ts).
CREATE OR REPLACE TEMP MACRO ol_addr_host(v) AS
  lower(CASE WHEN regexp_full_match(ltrim(v, '/'), '\[[^\]]+\](:[0-9]+)?') THEN regexp_extract(ltrim(v, '/'), '\[([^\]]+)\]', 1)
             ELSE regexp_replace(ltrim(v, '/'), ':[0-9]{1,5}$', '') END);
SELECT 'ok' AS macros;
