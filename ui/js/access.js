// What the signed-in user may do, as the core says it: `session_info` lists the API functions
// their role may call. Screens, tabs and buttons are shown when the function behind them is
// there, never by role name; the core checks every call again whatever the screen shows.

/** Whether the signed-in user may call the core API function `name`. */
export const can = (session, name) => Boolean(session.functions && session.functions.has(name));
