-- users.notifications_enabled was never set by the product: whether someone
-- gets notifications is whether they have a push subscription. A column that
-- always says "no" would mislead whoever reads it (the data export did).
ALTER TABLE users DROP COLUMN notifications_enabled;
