/** The version of the Outpost package this runtime was built from. */
export const VERSION = '0.1.0';
