/**
 * The fake ERP's ground truth: each row in its clean form, the form a correct normalizer produces
 * from the messy values the fake serves. The rules, per Oracle type, are in the package README
 * ("The clean form") and restated on {@link CleanValue}.
 */

/**
 * A clean value:
 * - `null`: JSON `null`, a missing field, `""` (Oracle stores `''` as NULL), or text that is empty
 *   after the cleaning below (white space only: Oracle has no empty string);
 * - text types (`VARCHAR2`, `NVARCHAR2`, `CHAR`, `NCHAR`, `CLOB`): a `string` with `CHAR` blank
 *   padding removed, CRLF and lone CR turned into LF, control characters removed (U+0000-U+001F
 *   except TAB and LF, U+007F, U+0080-U+009F, U+FEFF) and leading/trailing white space trimmed;
 *   leading zeros kept (`"00123"`), never parsed as a number;
 * - `NUMBER(p)`, `NUMBER(p,0)`, `INTEGER` (integer columns): a `number` when it is a safe integer,
 *   else its canonical decimal text (`"9007199254740993"`);
 * - `NUMBER(p,s)` with `s > 0`, `NUMBER`, `FLOAT` (decimal columns): canonical decimal text
 *   (`"1000.5"`, `"0.05"`, `"42"`: no exponent, no grouping, no trailing zeros);
 * - `BOOLEAN`: `true` / `false` (from `Y`/`N`, `1`/`0`, `TRUE`/`FALSE`, JSON booleans, any case);
 * - `DATE`, `TIMESTAMP[(f)] [WITH [LOCAL] TIME ZONE]`: `YYYY-MM-DDTHH:MM:SS.sssZ` in UTC (a value
 *   written without a zone is UTC);
 * - `RAW(n)`: standard base64 with padding.
 */
export type CleanValue = string | number | boolean | null

/** The clean value of an Oracle key column, as `oracle_keys` carries it (never null in the fake). */
export type CleanKeyValue = string | number

/** A row of an entity in its clean form. */
export interface CleanRow {
  /** The row's `oracle_keys`, exactly as served (e.g. `{ PART_NO: "PART-0000001" }`). */
  readonly oracleKeys: Readonly<Record<string, CleanKeyValue>>
  /** The row's `row_version` (`YYYYMMDDHH24MISS`). */
  readonly rowVersion: string
  /** Every column of the entity's current metadata, in metadata order, clean. */
  readonly values: Readonly<Record<string, CleanValue>>
  /**
   * Fields the row carries that the metadata does not declare (schema drift), cleaned as text:
   * `""` and blank text -> `null`, otherwise the text rules above.
   */
  readonly undeclared: Readonly<Record<string, CleanValue>>
}
