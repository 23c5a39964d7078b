/** The version orderline reports (`--version`, report headers). */
export const VERSION = '0.1.0';
