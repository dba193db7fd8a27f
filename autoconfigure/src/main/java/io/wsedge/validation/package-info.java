/**
 * Built-in validation of messages as configuration ({@code wsedge.routes[].validation}): JSON Schema per route and
 * direction, compiled once at startup and run by the engine on whole messages before the interceptors.
 */
package io.wsedge.validation;
