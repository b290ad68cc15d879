/** Internals of the server: configuration reading, composition, listeners and shutdown. Not API. */
package io.linkgate.server.internal;
