DROP DATABASE analytics;
