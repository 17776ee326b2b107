"""What the ministry module brings to the seams (imported from MinistryConfig.ready): nothing yet;
its pages live under /ministry/, outside any association."""
