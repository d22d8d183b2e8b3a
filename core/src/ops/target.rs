//! Which account or Page an operation acts for, and with which token (shared by messaging, subscriptions and conversations).
