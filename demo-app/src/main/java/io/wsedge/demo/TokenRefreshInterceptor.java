package io.wsedge.demo;

import java.security.Principal;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.util.ByteBufferBackedInputStream;

import org.springframework.stereotype.Component;

import io.wsedge.api.ClientFrameInterceptor;
import io.wsedge.api.FrameContext;
import io.wsedge.api.FrameType;
import io.wsedge.auth.TokenAuthenticator;

/**
 * Re-authentication without reconnecting: a client whose JWT is about to expire sends
 * {@code {"reauth":"<fresh JWT>"}}. The token is verified with the edge's token authenticator (the application's
 * JWT decoder: signature and expiry), off the event loop's critical path through a deferred stage; when its
 * subject is the session's principal, the session's expiry moves to the new token's
 * ({@link io.wsedge.api.EdgeSession#renewCredential}). The message is the edge's, never the upstream's. A token
 * of someone else, or one that does not verify, changes nothing: the session still ends at the old expiry with
 * the token-expired policy.
 */
@Component("tokenRefresh")
class TokenRefreshInterceptor implements ClientFrameInterceptor {

	private final JsonMapper json = JsonMapper.builder().build();

	private final TokenAuthenticator authenticator;

	TokenRefreshInterceptor(TokenAuthenticator authenticator) {
		this.authenticator = authenticator;
	}

	@Override
	public void intercept(FrameContext frame) {
		if (frame.type() != FrameType.TEXT || frame.payloadView().remaining() > 8192) {
			return;
		}
		String token;
		try {
			JsonNode message = this.json.readTree(new ByteBufferBackedInputStream(frame.payloadView()));
			JsonNode reauth = (message != null) ? message.get("reauth") : null;
			if (reauth == null || !reauth.isString()) {
				return;
			}
			token = reauth.asString();
		}
		catch (JacksonException ex) {
			return;
		}
		frame.drop();
		String subject = frame.session().principal().map(Principal::getName).orElse(null);
		frame.defer(this.authenticator.authenticate(token).toFuture().handle((principal, failure) -> {
			if (failure == null && principal != null && principal.getName().equals(subject)) {
				frame.session().renewCredential(this.authenticator.expiresAt(principal));
			}
			return null;
		}));
	}

}
