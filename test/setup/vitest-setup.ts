// Loaded before every test file: tsyringe needs the Reflect metadata polyfill once per process.
import 'reflect-metadata';
