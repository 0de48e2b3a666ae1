// Where `npm start` serves the API unless told otherwise. The client exports it, and the local
// system's own default (its port, the OpenAPI document's server) is read from here, so the two
// cannot part. Nothing here imports anything: the client stays a package of its own.

/** The local gateway's host: loopback only, the local system is for this machine. */
export const LOCAL_HOST = '127.0.0.1';
/** The local gateway's port unless `--port` or `PORT` says otherwise. */
export const LOCAL_PORT = 3000;
/** The local system's address (`npm start`). */
export const LOCAL_URL = `http://${LOCAL_HOST}:${LOCAL_PORT}`;
