/**
 * Who may open a session, as configuration ({@code wsedge.routes[].auth}): the bearer token of an upgrade read
 * from the Authorization header, a query parameter or a subprotocol entry, authenticated with Spring Security
 * when it is present, the route's requirements checked, and the token kept from the upstream, the logs and the
 * sessions endpoint.
 */
package io.wsedge.auth;
