-- A counter that moves whenever a validated session could have become invalid or its user changed: a session
-- deleted (logout, revocation, expiry) or rekeyed, a user updated (roles, disabled, password, profile) or deleted.
-- The session store caches validated (session, user) pairs and trusts a cached pair only while the counter is
-- unchanged, so one indexed read replaces the join per request. Triggers catch every writer, including other
-- processes and the command-line tools; a touch of last_active_at alone does not move it.
CREATE TABLE `auth_epoch` (
	`id` integer PRIMARY KEY NOT NULL CHECK (`id` = 1),
	`n` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `auth_epoch` (`id`, `n`) VALUES (1, 0);
--> statement-breakpoint
CREATE TRIGGER `auth_epoch_session_deleted` AFTER DELETE ON `sessions` BEGIN
	UPDATE `auth_epoch` SET `n` = `n` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `auth_epoch_session_rekeyed` AFTER UPDATE OF `id`, `secret_hash`, `user_id`, `created_at` ON `sessions` BEGIN
	UPDATE `auth_epoch` SET `n` = `n` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `auth_epoch_user_updated` AFTER UPDATE ON `users` BEGIN
	UPDATE `auth_epoch` SET `n` = `n` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `auth_epoch_user_deleted` AFTER DELETE ON `users` BEGIN
	UPDATE `auth_epoch` SET `n` = `n` + 1 WHERE `id` = 1;
END;
