// A bundle whose module init throws.
throw new TypeError('TABLE_NAME is not set');
