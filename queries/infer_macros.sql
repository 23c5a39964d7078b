-- name: infer_macros
-- description: Macros of the inference stage (orderline infer): ol_first_line(message) is a message's first line
-- description: (a stack trace's frames are no part of its step); ol_raw_template(line) masks every quoted string and
-- description: every token holding a digit as <*> (the same pattern as the events.template column); ol_raw_params(line)
-- description: lists what it masked, left to right; ol_norm(value) takes surrounding quotes and trailing . : , ; off.
CREATE OR REPLACE TEMP MACRO ol_first_line(m) AS split_part(m, chr(10), 1);
CREATE OR REPLACE TEMP MACRO ol_raw_template(l) AS
  regexp_replace(l, '"[^"]*"|''[^'']*''|\d{1,3}(?:,\d{3})+[\w.:/@+#$-]*|[\w.:/@+#$-]*\d[\w.:/@+#$-]*', '<*>', 'g');
CREATE OR REPLACE TEMP MACRO ol_raw_params(l) AS
  regexp_extract_all(l, '"[^"]*"|''[^'']*''|\d{1,3}(?:,\d{3})+[\w.:/@+#$-]*|[\w.:/@+#$-]*\d[\w.:/@+#$-]*');
CREATE OR REPLACE TEMP MACRO ol_norm(v) AS
  regexp_replace(regexp_replace(v, '^"(.*)"$|^''(.*)''$', '\1\2'), '[.:,;]+$', '');
SELECT 'ok' AS macros;
